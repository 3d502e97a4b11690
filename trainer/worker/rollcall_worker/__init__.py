"""rollcall's Python GPU worker (trainer/worker/README.md).

One process holds one policy model and serves two things with it:

* generation, through the token-mode subset of vLLM's HTTP protocol that the proxy's `worker`
  driver speaks (`/tokenize`, `/detokenize`, `/v1/completions` with token-id prompts, `/v1/models`,
  `/health`, `/version`), so the proxy treats it like any engine;
* learning, through `POST /train/step`, `POST /checkpoint` and `POST /restore`, the contract of
  `trainer/learners/worker-learner.ts`.

Only the standard library and torch are imported at module level; transformers and peft are
imported inside the functions that load Hugging Face models, so the CPU tests run on torch alone.
"""

__version__ = "0.1.0"
