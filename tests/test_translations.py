"""The Chinese catalogue is complete enough to be used: counted phrases translate too (Chinese has
one plural form, which the catalogue's header must say, or every count above one shows English)."""
import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext


@pytest.mark.parametrize("n", [1, 2, 2867])
def test_counted_phrases_are_chinese_for_every_count(n):
    with translation.override("zh-hans"):
        assert ngettext("%(n)s person found", "%(n)s people found", n) % {"n": n} == f"共 {n} 人"


def test_a_plain_phrase_is_chinese():
    with translation.override("zh-hans"):
        assert gettext("Inbox") != "Inbox"
