"""Command-line entry points: ``flask --app wsgi users|demo|scheduler|tally|summary …``. Thin: they parse
arguments, call a service, and print."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import Role, Unit, User
from tracker.accounts.operations import save_user
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.plans.models import Plan


def _fail(message: str) -> None:
    raise click.ClickException(message)


def register_cli(app: Flask) -> None:
    @app.cli.group("users", help="Tài khoản người dùng.")
    def users() -> None:
        pass

    @users.command("create")
    @click.argument("username")
    @click.option("--name", "full_name", required=True, help="Họ và tên")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--unit", "unit_name", default=None, help="Tên đơn vị (đúng như trong danh mục)")
    @click.option("--email", default="")
    @click.password_option("--password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu")
    def create_user(username, full_name, role, unit_name, email, password):
        unit_id = None
        if unit_name:
            unit = db.session.scalar(select(Unit).where(Unit.name == unit_name))
            if unit is None:
                _fail(f"Không có đơn vị “{unit_name}”.")
            unit_id = unit.id
        try:
            user = save_user(
                None, username=username, full_name=full_name, role=Role(role), unit_id=unit_id, email=email, password=password
            )
        except ValidationFailed as exc:
            db.session.rollback()
            _fail(" ".join(exc.errors.values()))
        db.session.commit()
        click.echo(f"Đã tạo tài khoản {user.username} ({user.role.label}).")

    @users.command("set-password")
    @click.argument("username")
    @click.password_option("--password", prompt="Mật khẩu mới", confirmation_prompt="Nhập lại mật khẩu")
    def set_password(username, password):
        user = db.session.scalar(select(User).where(User.username == username.lower()))
        if user is None:
            _fail(f"Không có tài khoản “{username}”.")
        if len(password) < 8:
            _fail("Mật khẩu cần ít nhất 8 ký tự.")
        user.set_password(password)
        db.session.commit()
        click.echo(f"Đã đổi mật khẩu cho {user.username}.")

    @users.command("token")
    @click.argument("username")
    def token(username):
        """Issue a new API token (the old one stops working)."""
        user = db.session.scalar(select(User).where(User.username == username.lower()))
        if user is None:
            _fail(f"Không có tài khoản “{username}”.")
        value = user.new_api_token()
        db.session.commit()
        click.echo(value)

    @app.cli.group("demo", help="Dữ liệu minh hoạ.")
    def demo() -> None:
        pass

    @demo.command("load")
    @click.option("--if-empty", is_flag=True, help="Chỉ nạp khi cơ sở dữ liệu chưa có đơn vị nào.")
    def demo_load(if_empty):
        from tracker.demo import load_demo

        if if_empty and db.session.scalar(select(Unit.id).limit(1)) is not None:
            click.echo("Cơ sở dữ liệu đã có dữ liệu; giữ nguyên.")
            return
        if db.session.scalar(select(Unit.id).limit(1)) is not None:
            _fail("Cơ sở dữ liệu đã có dữ liệu; dữ liệu minh hoạ chỉ nạp vào cơ sở dữ liệu trống.")
        summary = load_demo()
        db.session.commit()
        click.echo(summary)

    @app.cli.group("scheduler", help="Bộ lập lịch (nhắc việc, cảnh báo).")
    def scheduler() -> None:
        pass

    @scheduler.command("run")
    def scheduler_run():
        from tracker.scheduler import run_forever

        run_forever(current_app._get_current_object())

    @scheduler.command("tick")
    @click.option("--now", "now_text", default=None, help="Thời điểm giả định, ví dụ 2024-06-14T07:00 (giờ Việt Nam)")
    def scheduler_tick(now_text):
        from tracker.scheduler import run_once

        if now_text:
            try:
                moment = datetime.fromisoformat(now_text)
            except ValueError:
                _fail("Thời điểm không hợp lệ; dùng dạng 2024-06-14T07:00.")
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=clock.timezone_info())
            clock.freeze(moment)
        try:
            for line in run_once(current_app._get_current_object(), clock.now()):
                click.echo(line)
        finally:
            clock.freeze(None)

    @app.cli.command("mailsink")
    @click.option("--host", default="127.0.0.1")
    @click.option("--port", default=8025, type=int)
    def mailsink(host, port):
        """Hộp thư thử nghiệm: nhận thư SMTP trên máy này, lưu vào instance/mailbox/ và in tiêu đề."""
        import time

        from tracker.mailsink import start_sink

        folder = Path(current_app.instance_path) / "mailbox"
        controller = start_sink(host, port, folder, echo=click.echo)
        click.echo(f"Hộp thư thử nghiệm tại {host}:{port}, lưu thư vào {folder}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()

    @app.cli.group("tally", help="Bảng đếm nhiệm vụ (task_tally) mà Tổng quan đọc.")
    def tally_group() -> None:
        pass

    @tally_group.command("check")
    @click.option("--repair", is_flag=True, help="Dựng lại bảng đếm từ danh sách nhiệm vụ nếu có chỗ lệch")
    def tally_check(repair):
        """So bảng đếm với số đếm lại trên từng nhiệm vụ; mã thoát 1 nếu lệch mà không sửa."""
        from tracker.tasks import tally

        wrong = tally.differences()
        if not wrong:
            click.echo("Bảng đếm khớp với danh sách nhiệm vụ.")
            return
        click.echo(f"Bảng đếm lệch ở {len(wrong)} dòng (loại, đơn vị, tình trạng, ngày, hạn áp dụng: trong bảng → đếm lại):")
        for (kind, unit, standing, day, due), kept, counted in wrong[:50]:
            click.echo(
                f"  {kind}, {unit}, {standing}, {day or '-'}, {due or '-'}: {kept or '(không có)'} → {counted or '(không có)'}"
            )
        if not repair:
            raise SystemExit(1)
        rows = tally.rebuild()
        db.session.commit()
        click.echo(f"Đã dựng lại bảng đếm: {rows} dòng.")

    @app.cli.command("summary")
    @click.argument("plan_number")
    @click.option("--as-of", "as_of", default=None, help="Ngày tính số liệu, YYYY-MM-DD (mặc định hôm nay)")
    @click.option("--json", "as_json", is_flag=True, help="In ra JSON")
    def summary(plan_number, as_of, as_json):
        """Số liệu bốn nhóm, tổng số, hai tỷ lệ của một kế hoạch tại một ngày."""
        from tracker.api.views import summary_json
        from tracker.formatting import DateInputError, fmt_date, parse_date

        plans = db.session.scalars(select(Plan).where(Plan.number == plan_number.strip())).all()
        if not plans:
            _fail(f"Không có văn bản số “{plan_number}”.")
        if len(plans) > 1:
            _fail(f"Có {len(plans)} văn bản cùng số “{plan_number}”; dùng API với mã kế hoạch.")
        try:
            day = parse_date(as_of) if as_of else clock.today()
        except DateInputError as exc:
            _fail(str(exc))
        data = summary_json(plans[0], day)
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        plan = plans[0]
        click.echo(f"{plan.display_name}: {plan.title}")
        click.echo(f"Số liệu tính đến ngày {fmt_date(day)}")
        rows = [
            ("Tổng số phần việc", data["total"]),
            ("Hoàn thành đúng hạn", data["done_on_time"]),
            ("Hoàn thành quá hạn", data["done_late"]),
            ("Đang thực hiện trong hạn", data["open_in_time"]),
            ("Đang thực hiện quá hạn", data["open_overdue"]),
            ("Không có thời hạn - đã hoàn thành", data["no_deadline_done"]),
            ("Không có thời hạn - đang thực hiện", data["no_deadline_open"]),
            ("Trong đó chờ xác nhận hoàn thành", data["awaiting_confirmation"]),
            ("Trong đó được gia hạn", data["extended"]),
        ]
        for label, value in rows:
            click.echo(f"  {label:<38} {value:>6}")
        click.echo(f"  {'Tỷ lệ hoàn thành / tổng số':<38} {data['rate_all']:>6}%")
        click.echo(f"  {'Tỷ lệ hoàn thành / số đã đến hạn':<38} {data['rate_due']:>6}%")
        click.echo(data["headline"])
