"""Onboarding templates and their versions."""

from __future__ import annotations

from sqlalchemy import func, select

from kasasu.db.repository import Repository
from kasasu.models import OnboardingTemplate, OnboardingTemplateVersion


class TemplateRepository(Repository[OnboardingTemplate]):
    model = OnboardingTemplate

    def get_by_name(self, name: str) -> OnboardingTemplate | None:
        stmt = select(OnboardingTemplate).where(OnboardingTemplate.name == name)
        return self.session.scalars(stmt).one_or_none()

    def latest_version(self, template_id: int) -> OnboardingTemplateVersion | None:
        stmt = (
            select(OnboardingTemplateVersion)
            .where(OnboardingTemplateVersion.template_id == template_id)
            .order_by(OnboardingTemplateVersion.version.desc())
            .limit(1)
        )
        return self.session.scalars(stmt).one_or_none()

    def list_latest(self) -> list[tuple[OnboardingTemplate, OnboardingTemplateVersion]]:
        """Every template with its latest version, by priority then name."""
        v = OnboardingTemplateVersion
        newest = (
            select(v.template_id, func.max(v.version).label("v")).group_by(v.template_id).subquery()
        )
        stmt = (
            select(OnboardingTemplate, v)
            .join(newest, newest.c.template_id == OnboardingTemplate.id)
            .join(v, (v.template_id == OnboardingTemplate.id) & (v.version == newest.c.v))
            .order_by(OnboardingTemplate.priority, OnboardingTemplate.name)
        )
        return [(t, version) for t, version in self.session.execute(stmt)]

    def version(self, version_id: int) -> OnboardingTemplateVersion | None:
        return self.session.get(OnboardingTemplateVersion, version_id)

    def get_version(self, version_id: int) -> tuple[str, OnboardingTemplateVersion] | None:
        stmt = (
            select(OnboardingTemplate.name, OnboardingTemplateVersion)
            .join(
                OnboardingTemplate, OnboardingTemplate.id == OnboardingTemplateVersion.template_id
            )
            .where(OnboardingTemplateVersion.id == version_id)
        )
        row = self.session.execute(stmt).one_or_none()
        return None if row is None else (row[0], row[1])
