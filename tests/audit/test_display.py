"""The audit log shows a stored choice by its label: a milestone's side ``customer`` is 顧客."""

from __future__ import annotations

from kasasu.audit.display import as_choice
from kasasu.domain.choices import DealStage, StepSide
from kasasu.kit.choices import label


def test_a_choice_column_gives_its_choice_and_label() -> None:
    side = as_choice("milestones", "side", "customer")
    assert side is StepSide.CUSTOMER
    assert label(side).render("ja") == "顧客"
    assert label(side).render("en") == "Customer"
    assert as_choice("deals", "stage", "won") is DealStage.WON


def test_anything_else_stays_as_stored() -> None:
    assert as_choice("milestones", "name", "customer") == "customer"  # not a choice column
    assert as_choice("milestones", "side", "partner") == "partner"  # a code it does not know
    assert as_choice("no_such_table", "side", "customer") == "customer"
    assert as_choice("milestones", None, "customer") == "customer"
    assert as_choice("milestones", "side", None) is None
