#!/usr/bin/env bash
# Serve the app and run the scheduler beside it as its own process; Ctrl-C stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
FLASK=(.venv/bin/flask --app wsgi)
PORT=${PORT:-5000}
"${FLASK[@]}" scheduler run &
scheduler=$!
stop() { kill "$scheduler" 2>/dev/null; wait "$scheduler" 2>/dev/null; }
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
  Ctrl-C để dừng.

MSG
"${FLASK[@]}" run --host 127.0.0.1 --port "$PORT"
