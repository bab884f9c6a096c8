"""The plain CRUD resources of the data hub."""

from __future__ import annotations

from fastapi import APIRouter

from kasasu.accounts.schemas import AccountCreate, AccountFilter, AccountRead, AccountUpdate
from kasasu.accounts.service import accounts
from kasasu.activities.schemas import ActivityCreate, ActivityFilter, ActivityRead, ActivityUpdate
from kasasu.activities.service import activities
from kasasu.api.crud import crud_router
from kasasu.contacts.schemas import ContactCreate, ContactFilter, ContactRead, ContactUpdate
from kasasu.contacts.service import contacts
from kasasu.pipeline.schemas import (
    DealCreate,
    DealFilter,
    DealRead,
    DealUpdate,
    LeadCreate,
    LeadFilter,
    LeadRead,
    LeadUpdate,
)
from kasasu.pipeline.service import deals, leads
from kasasu.subscriptions.schemas import (
    SubscriptionCreate,
    SubscriptionFilter,
    SubscriptionRead,
    SubscriptionUpdate,
)
from kasasu.subscriptions.service import subscriptions
from kasasu.support.schemas import TicketCreate, TicketFilter, TicketRead, TicketUpdate
from kasasu.support.service import tickets
from kasasu.surveys.schemas import ResponseCreate, ResponseFilter, ResponseRead, ResponseUpdate
from kasasu.surveys.service import responses
from kasasu.tasks.schemas import TaskCreate, TaskFilter, TaskRead, TaskUpdate
from kasasu.tasks.service import tasks


def resource_routers() -> list[APIRouter]:
    return [
        crud_router(
            path="/accounts",
            tag="accounts",
            item="account",
            service=accounts,
            create=AccountCreate,
            update=AccountUpdate,
            read=AccountRead,
            filters=AccountFilter,
        ),
        crud_router(
            path="/contacts",
            tag="contacts",
            item="contact",
            service=contacts,
            create=ContactCreate,
            update=ContactUpdate,
            read=ContactRead,
            filters=ContactFilter,
        ),
        crud_router(
            path="/subscriptions",
            tag="subscriptions",
            item="subscription",
            service=subscriptions,
            create=SubscriptionCreate,
            update=SubscriptionUpdate,
            read=SubscriptionRead,
            filters=SubscriptionFilter,
        ),
        crud_router(
            path="/tickets",
            tag="tickets",
            item="ticket",
            service=tickets,
            create=TicketCreate,
            update=TicketUpdate,
            read=TicketRead,
            filters=TicketFilter,
        ),
        crud_router(
            path="/responses",
            tag="responses",
            item="survey response",
            service=responses,
            create=ResponseCreate,
            update=ResponseUpdate,
            read=ResponseRead,
            filters=ResponseFilter,
        ),
        crud_router(
            path="/activities",
            tag="activities",
            item="activity",
            service=activities,
            create=ActivityCreate,
            update=ActivityUpdate,
            read=ActivityRead,
            filters=ActivityFilter,
        ),
        crud_router(
            path="/leads",
            tag="leads",
            item="lead",
            service=leads,
            create=LeadCreate,
            update=LeadUpdate,
            read=LeadRead,
            filters=LeadFilter,
        ),
        crud_router(
            path="/deals",
            tag="deals",
            item="deal",
            service=deals,
            create=DealCreate,
            update=DealUpdate,
            read=DealRead,
            filters=DealFilter,
        ),
        crud_router(
            path="/tasks",
            tag="tasks",
            item="task",
            service=tasks,
            create=TaskCreate,
            update=TaskUpdate,
            read=TaskRead,
            filters=TaskFilter,
        ),
    ]
