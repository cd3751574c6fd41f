"""The administrator's audit trail: who changed which office-wide thing (plans, units, users, passwords,
the working-day calendar, the Điều 148 switch, reminder rules, profile switches), when, and what changed.

Task-level changes have their own journal (``TaskEvent``); this covers everything else. Writes go through
``operations.record`` inside the caller's transaction, so a change and its audit line commit together.
"""
