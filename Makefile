# Deux commandes pour commencer : « make demo » puis « make test ».
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONTRACTS ?= contracts
BUILD ?= build
SUIVIS_2025 = $(patsubst %/suivi/2025.yaml,%,$(wildcard $(CONTRACTS)/*/suivi/2025.yaml))

.PHONY: demo test venv lint bench clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "Impossible de créer l'environnement virtuel : installez le module venv (apt-get install python3-venv) puis relancez."; exit 1; }
	@$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python

$(VENV)/.installe: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installe-tests: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installe

demo: $(VENV)/.installe
	@# a territory with errors is reported, and the others are still produced
	@$(BIN)/cdv valider $(CONTRACTS)/ || echo "→ Les territoires marqués ✘ ont des erreurs : corrigez-les (les autres sont produits quand même)."
	@$(BIN)/cdv produire $(CONTRACTS)/ --sortie $(BUILD) --parallele 2 || echo "→ Certains territoires n'ont pas été produits : voyez les erreurs ci-dessus."
	@# the annual follow-up of the examples that have one (suivi/2025.yaml)
	@$(BIN)/cdv bilan 2025 $(SUIVIS_2025) --sortie $(BUILD) || echo "→ Certains suivis 2025 n'ont pas été produits : voyez les erreurs ci-dessus."
	@echo
	@echo "Les projets de contrat des exemples sont dans build/<territoire>/ (contrat-de-ville.docx et annexes)."
	@echo "Pour décrire votre territoire : $(BIN)/cdv init contracts/mon-territoire --epci \"…\" --qpv QN…"

test: $(VENV)/.installe-tests
	$(BIN)/python -m pytest

lint: $(VENV)/.installe-tests
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

bench: $(VENV)/.installe
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_pdf_jobs.py --territoires 8
	$(BIN)/python bench/bench_diff.py
	$(BIN)/python bench/bench_bilan.py
	$(BIN)/python bench/bench_synthese.py

clean:
	rm -rf $(VENV) build .pytest_cache
