from advocate.cli.main import run

run()
