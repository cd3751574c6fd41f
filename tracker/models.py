"""Import every model so the metadata (and Alembic) sees them all."""

from tracker.accounts.models import Unit, User  # noqa: F401
from tracker.audit.models import AuditEntry  # noqa: F401
from tracker.documents.models import DocumentJob  # noqa: F401
from tracker.imports.models import ImportDraft, UnitAlias  # noqa: F401
from tracker.indicators.models import Indicator, IndicatorEvent, IndicatorPart, IndicatorResult, StatForm, StatRow, StatValue  # noqa: F401
from tracker.me.models import CalendarFeed  # noqa: F401
from tracker.notifications.models import Delivery, ReminderFiring  # noqa: F401
from tracker.plans.models import Plan  # noqa: F401
from tracker.reports.models import Report  # noqa: F401
from tracker.settings.models import AppState, CalendarDay  # noqa: F401
from tracker.tasks.models import Attachment, ExtensionRequest, Task, TaskEvent  # noqa: F401
