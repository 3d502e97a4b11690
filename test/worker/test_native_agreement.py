"""Native logprobs agree with transformers' on the same weights (each family, padded batches).

Runs wherever transformers is importable (the GPU machine: also in bf16 on CUDA); elsewhere it is
reported as NOT RUN, with the reason, in the output and the skipped count — never a silent pass.
"""

import importlib.util
import unittest

import torch

from native_agreement import compare, within_bounds
from native_fixture import FAMILIES
from rollcall_worker.native.random_checkpoint import config_dict

HAVE_TRANSFORMERS = importlib.util.find_spec("transformers") is not None
NOT_RUN = "NOT RUN: transformers is not importable here; run scripts/gpu-native/run-on-gpu.sh where it is"


class NativeAgreementTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not HAVE_TRANSFORMERS:
            print(f"\n  native/transformers agreement {NOT_RUN}", flush=True)
            raise unittest.SkipTest(NOT_RUN)

    def test_each_family_agrees_in_fp32(self) -> None:
        devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
        for device in devices:
            for family, fields in FAMILIES.items():
                with self.subTest(family=family, device=device.type):
                    result = compare(config_dict(family, **fields), device, "fp32", lengths=[40, 17, 3, 40])
                    self.assertTrue(within_bounds(result), result)

    @unittest.skipUnless(torch.cuda.is_available(), "bf16 autocast is compared on CUDA only")
    def test_each_family_agrees_in_bf16_on_cuda(self) -> None:
        for family, fields in FAMILIES.items():
            with self.subTest(family=family):
                result = compare(config_dict(family, **fields), torch.device("cuda"), "bf16", lengths=[40, 17, 3, 40])
                self.assertTrue(within_bounds(result), result)


if __name__ == "__main__":
    unittest.main()
