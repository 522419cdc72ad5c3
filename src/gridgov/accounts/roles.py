"""Every role group, each written once.

A rule that names "the dispatchers" or "the grid's workers" imports its group from here, so two
places cannot disagree about who belongs to it. Where two rules happen to name the same roles but
mean different things (who may dispatch a queue, who looks at the big screen) each keeps its own
name, defined from the other, so the coincidence is visible and a later change is made on purpose.
What a group grants is decided where it is used; :mod:`gridgov.accounts.scope` answers "does this
user hold a role of this group at (or above) this unit" for all of them.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a role assignment makes its user. Defined here, beside its groups, rather than in
    ``models``: the scope (and through it every model's scoped manager) needs the roles while the
    models are still being imported."""

    DISTRICT_ADMIN = "district_admin", _("District administrator")
    DISTRICT_DISPATCHER = "district_dispatcher", _("District dispatcher")
    STREET_DISPATCHER = "street_dispatcher", _("Street dispatcher")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("Party member")
    SHOP_KEEPER = "shop_keeper", _("Shop keeper")
    UNIT_LIAISON = "unit_liaison", _("Resident unit liaison")


#: Roles that act for the whole district: they dispatch any queue of it and assess every department.
DISTRICT_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER})
#: Who runs the queue of a street or a community.
LOCAL_DISPATCH_ROLES = frozenset({Role.STREET_DISPATCHER, Role.COMMUNITY_STAFF})
#: Who may dispatch the cases in a queue (their own unit's, or one below).
DISPATCH_ROLES = DISTRICT_ROLES | LOCAL_DISPATCH_ROLES
#: Who is told that a case arrived in their unit's queue: its dispatchers except the district
#: administrator, who may dispatch but does not run a queue day to day.
QUEUE_NOTIFIED_ROLES = DISPATCH_ROLES - {Role.DISTRICT_ADMIN}
#: The levels above the one handling a case: the district and the street. They supervise (督办)
#: and whistle (吹哨) departments in.
UPPER_LEVEL_ROLES = DISTRICT_ROLES | {Role.STREET_DISPATCHER}
#: Who takes in 12345 hotline orders: the district and street levels.
HOTLINE_ROLES = UPPER_LEVEL_ROLES

#: The grid's own people: they patrol, report on patrol and handle what is dispatched to the grid.
GRID_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
#: Who handles and verifies the cases of a grid: its people and its community's staff (the task list).
GRID_TASK_ROLES = GRID_ROLES | {Role.COMMUNITY_STAFF}

#: Staff of units: they see the units, places and people of their subtrees.
STAFF_ROLES = DISPATCH_ROLES | GRID_ROLES
#: Residents and party members: they see their own unit's structure and only themselves.
SELF_ROLES = frozenset({Role.RESIDENT, Role.PARTY_MEMBER})
#: Everyone who works on cases for the platform (as opposed to reporting them as a resident).
WORKING_ROLES = STAFF_ROLES | {Role.DEPARTMENT_STAFF}

#: Roles that assess the units of their subtree (and the grid workers holding roles in it).
UNIT_ASSESSING_ROLES = DISPATCH_ROLES | {Role.GRID_LEADER}
#: Roles that read their own figures without assessing units: a department's staff (their
#: department's) and a grid worker (their own).
OWN_FIGURES_ROLES = frozenset({Role.DEPARTMENT_STAFF, Role.GRID_WORKER})
#: Who looks at the big screen (数据大屏): those running a queue, from the community up.
SCREEN_ROLES = DISPATCH_ROLES
#: Roles the demo grants the permission to reveal unmasked ID and phone numbers (the permission
#: itself, ``people.reveal_personal_data``, is what the rule checks).
REVEAL_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.COMMUNITY_STAFF})

# -- taking part (volunteering, the points shop, 双报到) --------------------------------------------
#: Who runs a community's participation: its service menu and order queue, volunteers and teams,
#: verification of service, registrations (双报到) and the employer reports. The same holders as a
#: queue's dispatchers, named apart because running volunteers is not dispatching cases.
PARTICIPATION_STAFF_ROLES = DISPATCH_ROLES
#: Who keeps a community's points shop: its shop keeper and its staff (stock, pick-up, cancelling).
SHOP_ROLES = frozenset({Role.SHOP_KEEPER, Role.COMMUNITY_STAFF})
#: A resident unit's (驻区单位) named liaison: acts for that unit only, never a shared login.
LIAISON_ROLES = frozenset({Role.UNIT_LIAISON})

# -- deliberation and micro-projects -------------------------------------------------------------
#: Who runs a community's proposals, meetings, 四议两公开 matters, notices and micro-projects; the
#: street and the district follow their communities'. Named apart from dispatching on purpose.
DELIBERATION_STAFF_ROLES = DISPATCH_ROLES

# -- care, visits and party building -------------------------------------------------------------
#: Who keeps a community's care plans, visit rules, reception hours and escalations.
CARE_STAFF_ROLES = DISPATCH_ROLES
#: Who checks on people and visits households in the field, on a phone.
FIELD_ROLES = GRID_ROLES
#: Who runs the party building of the organisations anchored in their unit: the kite plan, training,
#: vanguard posts, pledges and leading cadres' contact points.
PARTY_STAFF_ROLES = DISPATCH_ROLES

# -- facilities and the 15-minute circle -----------------------------------------------------------
#: Who records the facilities serving their unit (a community's service centre, a street's school):
#: the unit's staff and those above it.
FACILITY_STAFF_ROLES = DISPATCH_ROLES
#: Who sets the district's standards (kinds, walking speeds) and its walk network.
FACILITY_STANDARD_ROLES = frozenset({Role.DISTRICT_ADMIN})
