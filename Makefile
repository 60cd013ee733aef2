# The README's commands. Each script says which step failed.
.PHONY: run test bench lint

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

bench:
	@bash scripts/bench.sh

lint:
	@bash -c 'source scripts/lib.sh && ensure_python requirements.txt requirements-dev.txt && step "ruff" && .venv/bin/ruff check .'
