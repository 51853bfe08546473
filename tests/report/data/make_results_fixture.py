#!/usr/bin/env python3
"""Writes results_fixture.json: a small but plausible sweep for the report tests.

One task (reviews), three model sizes (xs, s, m), three seeds; ground-truth runs for every model
and students trained with xent and logconf for every weak < strong pair, each with five
training-dynamics points. The s -> m pair has a ceiling that is not above its weak supervisor
(m on ground truth is only 0.002 better than s), so its PGR rows have status
ceiling_not_above_weak. PGR follows w2s::eval::pgr (per-seed ratios, min_gap 0.005).

    python3 tests/report/data/make_results_fixture.py > tests/report/data/results_fixture.json
"""
import hashlib
import json
import math
import random

rng = random.Random(20231214)
TASK = "reviews"
SEEDS = [0, 1, 2]
MODELS = [("xs", 812_544), ("s", 3_211_264), ("m", 12_623_872)]
PARAMS = dict(MODELS)
N_TEST = 2000
COMMIT = "3f2a9c1d7e4b"
MIN_GAP = 0.005

GT_ACC = {"xs": [0.702, 0.714, 0.709], "s": [0.781, 0.774, 0.788], "m": [0.784, 0.779, 0.786]}
# Mean student accuracy per (weak, strong, loss); seeds scatter around it.
STUDENT_ACC = {("xs", "s", "xent"): 0.741, ("xs", "s", "logconf"): 0.752,
               ("xs", "m", "xent"): 0.748, ("xs", "m", "logconf"): 0.763,
               ("s", "m", "xent"): 0.780, ("s", "m", "logconf"): 0.782}
# Agreement with the supervisor when it was right / wrong.
AGREE = {"xent": (0.93, 0.41), "logconf": (0.90, 0.30)}
WALL = {"xs": 38.0, "s": 112.0, "m": 371.0}
RSS = {"xs": 910.0, "s": 1380.0, "m": 2650.0}


def key(*parts):
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def r3(x):
    return round(x, 4)


def dynamics(final_acc, final_agree, steps=(0, 60, 120, 180, 240)):
    out = []
    for i, step in enumerate(steps):
        t = i / (len(steps) - 1)
        ease = 1 - (1 - t) ** 2
        acc = 0.5 + (final_acc - 0.5) * ease + rng.uniform(-0.006, 0.006) * (t < 1)
        point = {"step": step, "test_accuracy": r3(acc if t < 1 else final_acc)}
        if final_agree is None:
            point["weak_agreement"] = None
        else:
            agree = 0.55 + (final_agree - 0.55) * ease + rng.uniform(-0.006, 0.006) * (t < 1)
            point["weak_agreement"] = r3(agree if t < 1 else final_agree)
        out.append(point)
    return out


def mean_se(xs):
    n = len(xs)
    m = sum(xs) / n
    if n == 1:
        return m, 0.0
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))
    return m, sd / math.sqrt(n)


stages = []
for name, params in MODELS:
    for seed in SEEDS:
        acc = GT_ACC[name][seed]
        stages.append({
            "key": key("gt", TASK, name, seed), "kind": "gt", "task": TASK, "model": name,
            "model_params": params, "supervisor": "", "loss": "gt", "method": "finetune",
            "seed": seed, "test_accuracy": acc, "test_auroc": r3(acc + 0.07),
            "test_ece": r3(0.02 + rng.uniform(0, 0.02)),
            "agree_when_weak_right": None, "agree_when_weak_wrong": None,
            "n_weak_right": 0, "n_weak_wrong": 0,
            "dynamics": dynamics(acc, None), "commit": COMMIT,
            "wall_seconds": r3(WALL[name] * rng.uniform(0.93, 1.07)),
            "peak_rss_mb": round(RSS[name] * rng.uniform(0.97, 1.03), 1)})

student_acc = {}
for (weak, strong, loss), mean_acc in STUDENT_ACC.items():
    for seed in SEEDS:
        acc = r3(mean_acc + rng.uniform(-0.006, 0.006))
        student_acc[(weak, strong, loss, seed)] = acc
        weak_acc = GT_ACC[weak][seed]
        n_right = round(weak_acc * N_TEST)
        right, wrong = AGREE[loss]
        right = r3(right + rng.uniform(-0.015, 0.015))
        wrong = r3(wrong + rng.uniform(-0.03, 0.03) + (0.25 if weak == "s" else 0.0))
        overall = (right * n_right + wrong * (N_TEST - n_right)) / N_TEST
        stages.append({
            "key": key("student", TASK, weak, strong, loss, seed), "kind": "student",
            "task": TASK, "model": strong, "model_params": PARAMS[strong], "supervisor": weak,
            "loss": loss, "method": "finetune", "seed": seed, "test_accuracy": acc,
            "test_auroc": r3(acc + 0.065), "test_ece": r3(0.03 + rng.uniform(0, 0.03)),
            "agree_when_weak_right": right, "agree_when_weak_wrong": wrong,
            "n_weak_right": n_right, "n_weak_wrong": N_TEST - n_right,
            "dynamics": dynamics(acc, r3(overall)), "commit": COMMIT,
            "wall_seconds": r3(WALL[strong] * rng.uniform(0.93, 1.07)),
            "peak_rss_mb": round(RSS[strong] * rng.uniform(0.97, 1.03), 1)})

pgr = []
for (weak, strong, loss) in STUDENT_ACC:
    w = [GT_ACC[weak][s] for s in SEEDS]
    c = [GT_ACC[strong][s] for s in SEEDS]
    st = [student_acc[(weak, strong, loss, s)] for s in SEEDS]
    wm, wse = mean_se(w)
    cm, cse = mean_se(c)
    sm, sse = mean_se(st)
    row = {"task": TASK, "weak": weak, "strong": strong, "loss": loss, "method": "finetune",
           "weak_params": PARAMS[weak], "strong_params": PARAMS[strong], "n_seeds": len(SEEDS),
           "weak_acc": r3(wm), "weak_se": r3(wse), "ceiling_acc": r3(cm), "ceiling_se": r3(cse),
           "student_acc": r3(sm), "student_se": r3(sse)}
    if cm - wm < MIN_GAP:
        row.update(pgr=None, pgr_se=None, status="ceiling_not_above_weak")
    else:
        ratios = [(s - a) / (b - a) for a, s, b in zip(w, st, c) if b - a >= MIN_GAP]
        pm, pse = mean_se(ratios)
        row.update(pgr=r3(pm), pgr_se=r3(pse), status="ok")
    pgr.append(row)

print(json.dumps({"w2s_results": 1, "stages": stages, "pgr": pgr}, indent=1))
