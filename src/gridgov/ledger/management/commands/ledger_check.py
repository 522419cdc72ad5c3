"""``gridgov ledger-check``: re-sum every account from its postings, check every entry, print the
accounts, the entries, the trial balance and any difference; exit 1 on any difference."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.progress import Progress
from gridgov.ledger.models import Account
from gridgov.ledger.services import check


class Command(BaseCommand):
    help = ("Re-sum every ledger account from its postings and check that every entry balances; "
            "exit code 1 on any difference.")

    def add_arguments(self, parser):
        parser.add_argument("--differences-only", action="store_true",
                            help="List only the accounts whose cached balance differs.")

    def handle(self, *args, differences_only=False, **options):
        progress = Progress(self.stderr._out, Account.objects.count(), _("Accounts"), "acct")
        try:
            report = check(progress)
        finally:
            progress.close()
        out = self.stdout.write
        rows = report.differences if differences_only else report.accounts
        out(_("Accounts: %(count)s") % {"count": len(report.accounts)})
        if rows:
            out(f"{'id':>8}  {_('kind'):<8} {_('owner'):<24} {_('district'):<12} {_('unit'):<8} "
                f"{_('cached'):>12} {_('summed'):>12} {_('difference'):>12}")
        for row in rows:
            account = row.account
            out(f"{account.pk:>8}  {account.kind:<8} {(account.name or account.owner_key):<24} "
                f"{account.district_code:<12} {account.unit:<8} {row.cached:>12} {row.summed:>12} {row.difference:>12}")
        out(_("Entries: %(entries)s, postings: %(postings)s") % {"entries": report.entries,
                                                                 "postings": report.postings})
        out(_("Trial balance:"))
        if not report.trial:
            out("  " + _("(no postings)"))
        for unit, (debit, credit) in sorted(report.trial.items()):
            out(f"  {unit:<8} +{debit} {credit} = {debit + credit}")
        for problem in report.unbalanced:
            out(self.style.ERROR(_("Entry #%(entry)s: %(lines)s posting(s) summing to %(total)s in %(units)s unit(s)")
                                 % {"entry": problem.entry_id, "lines": problem.lines, "total": problem.total,
                                    "units": problem.units}))
        for row in report.differences:
            out(self.style.ERROR(_("Account #%(account)s: cached %(cached)s, postings sum to %(summed)s")
                                 % {"account": row.account.pk, "cached": row.cached, "summed": row.summed}))
        if not report.ok:
            raise CommandError(_("The ledger does not balance: %(accounts)s account(s) and %(entries)s entry(ies) "
                                 "differ.") % {"accounts": len(report.differences), "entries": len(report.unbalanced)},
                               returncode=1)
        out(self.style.SUCCESS(_("The ledger balances.")))
