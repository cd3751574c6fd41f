"""*Tệp đã xuất* (``/documents``): the documents a person asked for, how far each has got, the download."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from tracker import clock
from tracker.args import int_arg
from tracker.documents import operations as ops
from tracker.documents import queries as q
from tracker.documents.forms import RemoveForm
from tracker.documents.models import DocumentJob
from tracker.permissions import get_or_404
from tracker.rules.document_jobs import expires_at, progress_percent

bp = Blueprint("documents", __name__)


def _own(job_id: str):
    """One of the person's documents, or 404 (another person's, or an id that is none)."""
    job = get_or_404(DocumentJob, job_id)
    if not q.owns(current_user, job):
        abort(404)
    return job


@bp.get("/documents")
@login_required
def index():
    jobs = q.jobs_of(current_user)
    pending = any(job.is_pending for job in jobs)
    return render_template(
        "documents/index.html",
        jobs=jobs,
        pending=pending,
        new_id=int_arg("new"),
        scheduler_alive=q.scheduler_alive(clock.now()) if pending else True,
        progress=lambda job: progress_percent(job.rows_done, job.rows_total),
        expires=lambda job: expires_at(job.finished_at, ops.KEEP_FOR) if job.finished_at else None,
        remove_form=RemoveForm(),
        keep_days=ops.KEEP_FOR.days,
    )


@bp.get("/documents/<job_id>/download")
@login_required
def download(job_id):
    job = _own(job_id)
    path = ops.documents_dir() / job.stored_name if job.stored_name else None
    if path is None or not path.is_file():
        flash("Tệp này chưa tạo xong hoặc đã bị xoá; hãy xuất lại.", "warning")
        return redirect(url_for("documents.index"))
    return send_file(path, mimetype=job.mimetype, as_attachment=True, download_name=job.filename)


@bp.post("/documents/<job_id>/remove")
@login_required
def remove(job_id):
    job = _own(job_id)
    if RemoveForm().validate_on_submit():
        ops.remove(job, current_user)
        flash("Đã xoá tệp.", "success")
    return redirect(url_for("documents.index"))
