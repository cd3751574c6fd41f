"""Benchmark: reading plans for import.

    .venv/bin/python bench/imports.py [--repeat 5]

Times (median of --repeat) the pure parse, and the whole draft (parse, matching units and issuer
against the demo's lists, storing the draft) on a SQLite file with the demo data, for:
* seed 004 as pasted text and as a .docx with Word numbering and its appendix tables (target < 200 ms);
* a 2,000-row workbook in the template's layout (target < 2 s);
* a 40-page PDF with a text layer, printed by chromium (target < 3 s; skipped without chromium).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.imports.builders import seed_004, seed_004_docx, seed_004_html, workbook  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def big_workbook(rows: int) -> bytes:
    data = [["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm", "Ghi chú"]]
    units = ["Văn phòng Sở", "Thanh tra Sở", "Phòng Cải cách hành chính", "Phòng Công chức, viên chức"]
    for i in range(1, rows + 1):
        if i % 50 == 1:
            data.append([["I", "II", "III", "IV", "V"][(i // 50) % 5], f"Nhóm nhiệm vụ {i // 50 + 1}", "", "", "", "", ""])
        data.append(
            [
                i,
                f"Nhiệm vụ số {i}: triển khai nội dung chuyển đổi số",
                units[i % 4],
                "Các phòng, đơn vị thuộc Sở",
                f"Quý {['I', 'II', 'III', 'IV'][i % 4]}/2025",
                "Báo cáo",
                "",
            ]
        )
    return workbook(data)


def forty_page_pdf() -> bytes | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return None
    from playwright.sync_api import sync_playwright

    html = seed_004_html(copies=7)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content(html)
        data = page.pdf(format="A4")
        browser.close()
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    from tracker.imports.parse_files import parse_file, parse_text

    limit = 50 * 1024 * 1024
    docx_bytes = seed_004_docx()
    xlsx_bytes = big_workbook(args.rows)
    pdf_bytes = forty_page_pdf()
    cases = [
        ("seed 004, pasted text", lambda: parse_text(seed_004()), 200),
        ("seed 004, .docx with numbering", lambda: parse_file("kh.docx", docx_bytes, limit), 200),
        (f"workbook, {args.rows} rows", lambda: parse_file("kh.xlsx", xlsx_bytes, limit), 2000),
    ]
    if pdf_bytes is not None:
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(pdf_bytes))
        cases.append((f"PDF, {pages} pages", lambda: parse_file("kh.pdf", pdf_bytes, limit), 3000))
    else:
        print("chromium not found: the PDF case is skipped")

    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.environ.setdefault("SECRET_KEY", "bench")
        from config import Config
        from tracker import clock, create_app
        from tracker.accounts.models import User
        from tracker.demo import load_demo
        from tracker.extensions import db
        from tracker.imports import operations as ops
        from tracker.maintenance import rebuild_schema
        from tracker.tasks.models import Task

        class BenchConfig(Config):
            INSTANCE_DIR = Path(tmp)
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"

        app = create_app(BenchConfig)
        rebuild_schema(app)
        from datetime import datetime

        clock.freeze(datetime(2025, 6, 2, 8, 30))
        with app.app_context():
            load_demo()
            db.session.commit()
            office = db.session.query(User).filter_by(username="vanphong").one()
            print(f"{'input':36} {'parse (median)':>15} {'draft (median)':>15} {'target':>8}")
            for name, fn, target in cases:
                parse_ms = median_ms(fn, args.repeat)

                def draft(name=name):
                    if name.startswith("seed 004, pasted"):
                        ops.create_draft(actor=office, text=seed_004(), max_bytes=limit)
                    elif name.startswith("seed 004"):
                        ops.create_draft(actor=office, filename="kh.docx", data=docx_bytes, max_bytes=limit)
                    elif name.startswith("workbook"):
                        ops.create_draft(actor=office, filename="kh.xlsx", data=xlsx_bytes, max_bytes=limit)
                    else:
                        ops.create_draft(actor=office, filename="kh.pdf", data=pdf_bytes, max_bytes=limit)
                    db.session.rollback()

                draft_ms = median_ms(draft, args.repeat)
                ok = "ok" if parse_ms < target else "SLOW"
                print(f"{name:36} {parse_ms:>12.0f} ms {draft_ms:>12.0f} ms {target:>5} ms {ok}")
            # The confirmation of the big workbook: every row through tasks.operations.create_task, in one
            # transaction (once, rolled back).
            draft = ops.create_draft(actor=office, filename="kh.xlsx", data=xlsx_bytes, max_bytes=limit)
            state = draft.data
            state["header"].update(number="99/KH-SNV", issued_on="2025-01-10", year=2025, title="Kế hoạch thử")
            state["header"]["issuer_id"] = state["header"]["issuer_id"] or 1
            for group in state["groups"].values():
                group["confirmed"] = True
            draft.data = state
            start = time.perf_counter()
            plan = ops.confirm_draft(draft, office)
            elapsed = time.perf_counter() - start
            tasks = db.session.query(Task).filter(Task.plan_id == plan.id).count()
            db.session.rollback()
            print(f"confirm {args.rows}-row workbook: {tasks} tasks written in {elapsed:.1f} s (one transaction)")


if __name__ == "__main__":
    main()
