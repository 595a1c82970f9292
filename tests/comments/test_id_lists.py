"""``InIds``: a list of ids sent as one parameter selects exactly what ``pk__in`` selects.

A thread's placeholders are such a list (``threads.ThreadPaginator``): thousands of ids in a
very large thread, which as one placeholder each made the page's query cost 30 to 60 ms.
"""

import pytest
from django.db.models import Q
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.models.expressions import InIds
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_it_selects_what_pk_in_selects_alone_negated_and_beside_other_conditions(article):
    stored = [
        make_comment(article, status=status).pk
        for status in [Status.APPROVED, Status.PENDING, Status.SPAM] * 4
    ]
    candidates = [*stored, 0, max(stored) + 1_000, 2**62]
    approved = Q(status=Status.APPROVED)

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(ids=st.lists(st.sampled_from(candidates), max_size=20))
    @example(ids=[])
    @example(ids=[stored[0], stored[0]])
    def check(ids):
        everything = Comment.objects.all()
        assert pks(everything.filter(InIds("pk", ids))) == pks(everything.filter(pk__in=ids))
        assert pks(everything.exclude(InIds("pk", ids))) == pks(everything.exclude(pk__in=ids))
        assert pks(everything.filter(approved | Q(InIds("pk", ids)))) == pks(
            everything.filter(approved | Q(pk__in=ids))
        )

    check()


def test_thousands_of_ids_are_one_parameter(article):
    kept = {make_comment(article).pk for _ in range(3)}
    ids = [*kept, *range(10**9, 10**9 + 20_000)]
    queryset = Comment.objects.filter(InIds("pk", ids))
    few = Comment.objects.filter(InIds("pk", kept))

    _, params = queryset.query.sql_with_params()

    assert len(params) == len(few.query.sql_with_params()[1]) <= 2
    assert pks(queryset) == kept


@pytest.mark.parametrize("wrong", ["1 OR 1=1", 2**63, -(2**63) - 1])
def test_ids_must_be_integers_a_column_can_hold(wrong):
    """Refused here, not by the database (PostgreSQL's bigint cast would fail mid-query)."""
    with pytest.raises(ValueError):
        InIds("pk", [1, wrong])
