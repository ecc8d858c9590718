from interview_prep.cli import app

app(prog_name="prep")
