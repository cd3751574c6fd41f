"""Báo cáo: the periodic report (Nghị định 30/2020 layout) as PDF, DOCX and XLSX from live figures."""
