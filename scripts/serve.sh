#!/usr/bin/env bash
# Serve the app and run the scheduler beside it as its own process; Ctrl-C stops both.
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
  Tài khoản minh hoạ (mật khẩu: demo12345):
    vanphong     Văn phòng Sở
    giamdoc      Lãnh đạo Sở (Giám đốc)
    truongphong  Trưởng phòng Cải cách hành chính
    chuyenvien   Chuyên viên Phòng Cải cách hành chính
    admin        Quản trị
  Thư nhắc việc: ${SMTP_HOST:+máy chủ SMTP ${SMTP_HOST}:${SMTP_PORT}}${SMTP_HOST:-hộp thư thử nghiệm tại 127.0.0.1:${SMTP_PORT}, lưu trong instance/mailbox/}.
  Chạy thử nhắc việc tại một thời điểm: .venv/bin/flask --app wsgi scheduler tick --now 2024-12-27T07:00
  Ctrl-C để dừng.

MSG
"${FLASK[@]}" run --host 127.0.0.1 --port "$PORT"
