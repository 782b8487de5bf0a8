#!/usr/bin/env bash
# Redraw the figures the README and the docs show, from the shipped scenarios and posterior, with
# the same commands the pages give. Run it from the repository root with the environment active
# (`source .venv/bin/activate`) after a change of model behaviour or a new posterior: about three
# minutes on two cores. Each figure is copied over its file in docs/figures/ only when every
# command succeeded; the runs stay in results/docs-figures/<time>/ for the numbers the pages quote.
# docs/figures/dashboard.png is a screenshot of `balloon dashboard` and docs/figures/changes/
# holds before/after pictures of past changes: neither is redrawn here.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="results/docs-figures/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$runs"
history=scenarios/andes_history_calibrated.yaml
without_plan=scenarios/counterfactuals/no_plan_colombia.yaml

# History: the fit against the record (docs/history.md "Fit 1990-2012").
balloon run "$history" --posterior --replications 100 --out "$runs/history" --quiet
balloon plot "$runs/history" --out "$runs/history-figures"

# What did Plan Colombia do? (README, docs/history.md)
balloon compare "$history" --against "$without_plan" --posterior --replications 20 \
    --out "$runs/plan-colombia" --quiet

# Which channel carries it (docs/mechanisms.md)
balloon compare "$history" --against "$without_plan" --posterior --replications 20 \
    --target colombia --window 2000-01:2015-12 --by-channel --out "$runs/channels" --quiet

# Plan Colombia against the baseline world (docs/index.md, docs/experiments.md)
balloon compare scenarios/plan_colombia.yaml --against scenarios/baseline.yaml \
    --out "$runs/plan-vs-baseline" --quiet

cp "$runs/history-figures/record.png" docs/figures/andes_history_fit.png
cp "$runs/plan-colombia/figures/policy_vs_counterfactual.png" docs/figures/plan_colombia_on_history.png
cp "$runs/channels/figures/channels.png" docs/figures/plan_colombia_channels.png
cp "$runs/plan-vs-baseline/figures/policy_vs_counterfactual.png" \
    docs/figures/plan_colombia_vs_baseline.png
echo "redrew docs/figures/{andes_history_fit,plan_colombia_on_history,plan_colombia_channels,plan_colombia_vs_baseline}.png from $runs/"
echo "open each one, and update the numbers the pages quote from $runs/*/summary.md"
