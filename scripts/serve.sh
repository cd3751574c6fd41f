#!/usr/bin/env bash
# Serve the app through gunicorn (the Flask development server only with FLASK_DEBUG=1) and run the
# scheduler beside it as its own process; Ctrl-C stops both. PORT chooses the port (5000).
set -uo pipefail
cd "$(dirname "$0")/.."
FLASK=(.venv/bin/flask --app wsgi)
# Exported: the scheduler's e-mail links follow the port the app runs on (config.BASE_URL), and
# SMTP_PORT is where both the local mailbox listens and the scheduler sends.
export PORT=${PORT:-5000}
export SMTP_PORT=${SMTP_PORT:-8025}
children=()
# A local mailbox for the reminders, unless real SMTP settings were given.
if [ -z "${SMTP_HOST:-}" ]; then
  "${FLASK[@]}" mailsink --port "$SMTP_PORT" &
  children+=($!)
fi
"${FLASK[@]}" scheduler run &
children+=($!)
stop() { kill "${children[@]}" 2>/dev/null; wait "${children[@]}" 2>/dev/null; }
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cat <<MSG

  Theo dõi nhiệm vụ đang chạy tại http://127.0.0.1:${PORT}
  Tài khoản minh hoạ (mật khẩu: demo-2026-tracker):
    vanphong     Văn phòng Sở
    giamdoc      Lãnh đạo Sở (Giám đốc)
    truongphong  Trưởng phòng Cải cách hành chính
    chuyenvien   Chuyên viên Phòng Cải cách hành chính
    admin        Quản trị
  Thư nhắc việc: ${SMTP_HOST:+máy chủ SMTP ${SMTP_HOST}:${SMTP_PORT}}${SMTP_HOST:-hộp thư thử nghiệm tại 127.0.0.1:${SMTP_PORT}, lưu trong instance/mailbox/}.
  Chạy thử nhắc việc tại một thời điểm: .venv/bin/flask --app wsgi scheduler tick --now 2024-12-27T07:00
  Máy chủ: gunicorn (FLASK_DEBUG=1 make run để dùng máy chủ phát triển của Flask). Ctrl-C để dừng.

MSG
# In the background and waited for, so a TERM to this script stops the server too (see stop()).
if [ "${FLASK_DEBUG:-0}" = 1 ]; then
  "${FLASK[@]}" run --host 127.0.0.1 --port "$PORT" --debug &
else
  .venv/bin/gunicorn --config scripts/gunicorn.conf.py --bind "127.0.0.1:$PORT" wsgi:app &
fi
children+=($!)
wait "$!"
