"""Residents taking part in the demo district: volunteers and their orders, the points shop, 双报到.

Generated after the cases, over the same 90 days, through each app's real services (inside
``clock.frozen``, like the cases), in the order the apps depend on each other: volunteering first
(volunteers, teams, orders, points and time-bank minutes), then the shop (redemptions spend those
points), the time bank (donations, transfers between communities), then 双报到 (registrations, and the employer reports that read the service records).
"""
from . import reportin_demo, shop_demo, timebank_demo, volunteering_demo


def generate(progress: bool = False) -> dict:
    summary = {}
    for part in (volunteering_demo, shop_demo, timebank_demo, reportin_demo):
        summary.update(part.generate(progress=progress))
    return summary
