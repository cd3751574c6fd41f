"""Việc của tôi: what is on the signed-in person's plate (tasks assigned to them, what their unit or
role waits for them to do), and their personal calendar feed of deadlines (iCalendar)."""
