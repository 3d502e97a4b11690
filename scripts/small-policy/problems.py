"""Synthetic GSM8K-style word problems from templates (pure Python, standard library only).

Each problem: {"template", "split", "question", "expr", "answer"} where `expr` is the Python
expression that solves it (literal numbers from the question) and `answer` its integer value.
Train/held-out split is by template (TRAIN_TEMPLATES vs HELDOUT_TEMPLATES) AND by number range
(every number kind has a train range and a disjoint held-out range).

    python3 scripts/small-policy/problems.py   # prints a few problems of each split and self-checks
"""

from __future__ import annotations

import random

NAMES = ["Natalia", "Tom", "Maria", "James", "Aisha", "Leo", "Sofia", "Ben", "Priya", "Omar", "Emma", "Carlos", "Mei", "Jack", "Lena", "Ravi"]
ITEMS = ["apples", "pencils", "marbles", "stickers", "cookies", "books", "cards", "eggs", "shells", "coins", "candies", "toys"]
THINGS = ["bike", "jacket", "game", "lamp", "backpack", "watch", "guitar", "phone case"]
SPORTS = ["soccer", "chess", "tennis", "basketball"]

# kind -> (train values, held-out values); ranges are disjoint
RANGES = {
    "count": (range(2, 41), range(41, 100)),
    "small": (range(2, 8), range(8, 13)),
    "price": (range(2, 21), range(21, 50)),
    "pct": ([10, 20, 25, 50], [30, 40, 60, 75]),
    "big": (range(40, 200), range(200, 600)),
}


class Draw:
    """Draws numbers of a kind from the train or held-out range."""

    def __init__(self, rng: random.Random, split: str) -> None:
        self.rng, self.idx = rng, 0 if split == "train" else 1

    def __call__(self, kind: str) -> int:
        return self.rng.choice(list(RANGES[kind][self.idx]))


def _two_names(rng):
    a, b = rng.sample(NAMES, 2)
    return a, b


# Every template: (rng, draw) -> (question, expr). The answer is eval(expr), which must be integral.
def t_total(rng, d):
    a, b = _two_names(rng); x, y, it = d("count"), d("count"), rng.choice(ITEMS)
    return f"{a} has {x} {it}. {b} gives {a} {y} more. How many {it} does {a} have now?", f"{x} + {y}"


def t_left(rng, d):
    a, b = _two_names(rng); y, z, it = d("count"), d("count"), rng.choice(ITEMS)
    return f"{a} had {y + z} {it} and gave {y} to {b}. How many {it} does {a} have left?", f"{y + z} - {y}"


def t_boxes(rng, d):
    a = rng.choice(NAMES); g, k, it = d("small"), d("count"), rng.choice(ITEMS)
    return f"{a} buys {g} boxes of {it}. Each box holds {k} {it}. How many {it} does {a} buy?", f"{g} * {k}"


def t_share(rng, d):
    a = rng.choice(NAMES); k, q, it = d("small"), d("count"), rng.choice(ITEMS)
    return f"{a} has {k * q} {it} and shares them equally among {k} friends. How many {it} does each friend get?", f"{k * q} / {k}"


def t_sale(rng, d):
    p, th = d("pct"), rng.choice(THINGS)
    price = d("small") * 20
    return f"A {th} costs ${price}. It is on sale for {p}% off. How much does it cost now, in dollars?", f"{price} - {price} * {p} / 100"


def t_pct_of(rng, d):
    p, sp = d("pct"), rng.choice(SPORTS)
    n = d("small") * 20
    return f"There are {n} students in a school club. {p}% of them play {sp}. How many students play {sp}?", f"{n} * {p} / 100"


def t_change(rng, d):
    a = rng.choice(NAMES); n, p, it = d("small"), d("price"), rng.choice(ITEMS)
    bill = n * p + d("count")
    return f"{a} buys {n} {it} at ${p} each and pays with ${bill}. How much change does {a} get, in dollars?", f"{bill} - {n} * {p}"


def t_spend(rng, d):
    a = rng.choice(NAMES); i1, i2 = rng.sample(ITEMS, 2)
    x, p, y, q = d("small"), d("price"), d("small"), d("price")
    return f"{a} buys {x} {i1} for ${p} each and {y} {i2} for ${q} each. How much does {a} spend in dollars?", f"{x} * {p} + {y} * {q}"


def t_pages(rng, d):
    a = rng.choice(NAMES); r, days = d("count"), d("small")
    return f"{a} reads {r} pages a day. How many pages does {a} read in {days} days?", f"{r} * {days}"


def t_wage(rng, d):
    a = rng.choice(NAMES); w, h, days = d("price"), d("small"), d("small")
    return f"{a} earns ${w} per hour and works {h} hours a day for {days} days. How much does {a} earn in dollars?", f"{w} * {h} * {days}"


def t_two_days(rng, d):
    a = rng.choice(NAMES); b, c, e, it = d("count"), d("count"), d("count"), rng.choice(ITEMS)
    return f"{a} had {b + c + e} {it}. {a} used {b} on Monday and {c} on Tuesday. How many {it} are left?", f"{b + c + e} - {b} - {c}"


def t_times(rng, d):
    a, b = _two_names(rng); x, k, it = d("count"), d("small"), rng.choice(ITEMS)
    return f"{a} has {x} {it}. {b} has {k} times as many {it} as {a}. How many {it} do they have together?", f"{x} + {x} * {k}"


def t_half(rng, d):
    a = rng.choice(NAMES); x, it = d("count") * 2, rng.choice(ITEMS)
    return f"{a} sold {x} {it} in April and half as many in May. How many {it} did {a} sell in total?", f"{x} + {x} / 2"


def t_split_bill(rng, d):
    k, q = d("small"), d("price")
    return f"{k} friends share a dinner bill of ${k * q} equally. How much does each friend pay, in dollars?", f"{k * q} / {k}"


def t_age(rng, d):
    a, b = _two_names(rng); x, y, z = d("count"), d("small"), d("small")
    return f"{a} is {x} years old. {b} is {y} years older than {a}. How old will {b} be in {z} years?", f"{x} + {y} + {z}"


def t_fewer(rng, d):
    x, y = d("count"), d("count")
    x = x + y
    return f"A farm has {x} cows and {y} fewer sheep than cows. How many cows and sheep are there in total?", f"{x} + ({x} - {y})"


def t_legs(rng, d):
    x, y = d("count"), d("count")
    return f"A farmer has {x} chickens and {y} cows. How many legs do the animals have in total?", f"{x} * 2 + {y} * 4"


def t_seats(rng, d):
    r, s = d("small"), d("count")
    t = rng.randint(1, r * s - 1)
    return f"A theater has {r} rows with {s} seats each. {t} seats are taken. How many seats are empty?", f"{r} * {s} - {t}"


def t_save(rng, d):
    a, th = rng.choice(NAMES), rng.choice(THINGS)
    s, w, wk, rest = d("count"), d("price"), d("small"), d("count")
    c = s + w * wk + rest
    return (f"{a} wants a {th} that costs ${c}. {a} has saved ${s} and saves ${w} more each week. "
            f"How many more dollars does {a} need after {wk} weeks?"), f"{c} - {s} - {w} * {wk}"


def t_average(rng, d):
    a = rng.choice(NAMES); x, y = d("count"), d("count")
    z = d("count")
    z += (-(x + y + z)) % 3
    return f"{a} scored {x}, {y} and {z} points in three games. What is {a}'s average score?", f"({x} + {y} + {z}) / 3"


# held-out templates: known operations, new stories and wordings
def h_bakery(rng, d):
    x, y = d("count"), d("count"); z = rng.randint(1, x + y - 1)
    return f"A baker makes {x} loaves in the morning and {y} loaves in the afternoon. She sells {z} loaves. How many loaves are left?", f"{x} + {y} - {z}"


def h_shelves(rng, d):
    a = rng.choice(NAMES); k, n, m = d("small"), d("count"), d("count")
    return f"Each of {k} shelves holds {n} books. {a} adds {m} more books. How many books are there now?", f"{k} * {n} + {m}"


def h_spend_pct(rng, d):
    a, th = rng.choice(NAMES), rng.choice(THINGS)
    p = d("pct"); t = d("small") * 20
    return f"{a} has ${t}. {a} spends {p}% of it on a {th}. How many dollars are left?", f"{t} - {t} * {p} / 100"


def h_bus(rng, d):
    n, a, b = d("count"), d("count"), d("count")
    n = n + a
    return f"A bus carries {n} passengers. At the first stop {a} get off and {b} get on. How many passengers are on the bus now?", f"{n} - {a} + {b}"


def h_bags(rng, d):
    a, it = rng.choice(NAMES), rng.choice(ITEMS); k, q = d("small"), d("count")
    return f"{a} packs {k * q} {it} into bags of {k}. How many bags does {a} fill?", f"{k * q} / {k}"


def h_garden(rng, d):
    a = rng.choice(NAMES); r, p, s = d("small"), d("small"), d("count")
    s += p
    return f"A garden has {r} rows of {s} flowers. {a} picks {p} flowers from each row. How many flowers are left?", f"{r} * {s} - {r} * {p}"


TRAIN_TEMPLATES = [t_total, t_left, t_boxes, t_share, t_sale, t_pct_of, t_change, t_spend, t_pages, t_wage,
                   t_two_days, t_times, t_half, t_split_bill, t_age, t_fewer, t_legs, t_seats, t_save, t_average]
HELDOUT_TEMPLATES = [h_bakery, h_shelves, h_spend_pct, h_bus, h_bags, h_garden]


def make_problem(rng: random.Random, template, numbers: str) -> dict:
    question, expr = template(rng, Draw(rng, numbers))
    value = eval(expr, {"__builtins__": {}})  # noqa: S307 - our own literal arithmetic
    if value != int(value) or value < 0:
        raise ValueError(f"{template.__name__}: {expr} = {value}")
    return {"template": template.__name__, "question": question, "expr": expr, "answer": int(value)}


def make_set(n: int, templates: str, numbers: str, seed: int) -> list[dict]:
    """templates: 'train' | 'heldout'; numbers: 'train' | 'heldout'."""
    rng = random.Random(seed)
    pool = TRAIN_TEMPLATES if templates == "train" else HELDOUT_TEMPLATES
    out = []
    while len(out) < n:
        p = make_problem(rng, pool[len(out) % len(pool)] if n >= len(pool) else rng.choice(pool), numbers)
        p["split"] = f"{templates}-templates/{numbers}-numbers"
        out.append(p)
    rng.shuffle(out)
    return out


def eval_sets(n_each: int, seed: int = 1234) -> dict[str, list[dict]]:
    return {
        "in_dist": make_set(n_each, "train", "train", seed),              # fresh instances, seen templates and ranges
        "heldout_numbers": make_set(n_each, "train", "heldout", seed + 1),  # seen templates, held-out numbers
        "heldout_templates": make_set(n_each, "heldout", "heldout", seed + 2),  # held-out templates and numbers
    }


if __name__ == "__main__":
    train = make_set(2000, "train", "train", 0)
    sets = eval_sets(200)
    train_q = {p["question"] for p in train}
    for name, s in sets.items():
        overlap = sum(p["question"] in train_q for p in s)
        print(f"{name}: {len(s)} problems, {overlap} identical to a train question; e.g. {s[0]['question']!r} -> {s[0]['expr']} = {s[0]['answer']}")
    assert all(p["answer"] == eval(p["expr"]) for p in train)
    print("train example:", train[0])
