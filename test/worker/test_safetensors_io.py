"""The worker's safetensors reader and writer (no safetensors package): dtypes, sharding, layout."""

import json
import struct
import unittest

import torch

from rollcall_worker.errors import ModelLoadError
from rollcall_worker.native.safetensors_io import INDEX_FILE, read_file, read_folder, write_file, write_folder
from native_fixture import scratch_dir


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_of_each_float_dtype_and_empty_tensors(self) -> None:
        tensors = {"a": torch.randn(3, 5), "b": torch.randn(7).to(torch.bfloat16), "c": torch.randn(2, 2, 2).to(torch.float16),
                   "ids": torch.arange(6, dtype=torch.int64).reshape(2, 3), "empty": torch.zeros(0, 4)}
        path = scratch_dir() / "x.safetensors"
        write_file(tensors, path)
        back = read_file(path)
        self.assertEqual(set(back), set(tensors))
        for name, tensor in tensors.items():
            self.assertEqual(back[name].dtype, tensor.dtype, name)
            self.assertTrue(torch.equal(back[name], tensor), name)

    def test_the_header_is_the_documented_format(self) -> None:
        path = scratch_dir() / "x.safetensors"
        write_file({"w": torch.ones(2, 3, dtype=torch.bfloat16)}, path)
        data = path.read_bytes()
        (length,) = struct.unpack("<Q", data[:8])
        self.assertEqual(length % 8, 0)
        header = json.loads(data[8 : 8 + length])
        self.assertEqual(header["w"], {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 12]})
        self.assertEqual(header["__metadata__"], {"format": "pt"})
        self.assertEqual(len(data), 8 + length + 12)
        self.assertEqual(data[8 + length : 8 + length + 2], b"\x80\x3f")  # bf16 1.0, little-endian

    def test_sharded_folders_are_written_with_an_index_and_read_back(self) -> None:
        folder = scratch_dir()
        tensors = {f"layer.{i}": torch.full((64,), float(i)) for i in range(5)}
        names = write_folder(tensors, folder, shard_bytes=600)
        self.assertEqual(names[-1], INDEX_FILE)
        index = json.loads((folder / INDEX_FILE).read_text())
        self.assertEqual(index["metadata"]["total_size"], 5 * 64 * 4)
        self.assertEqual(len(set(index["weight_map"].values())), 3)
        back = read_folder(folder)
        self.assertTrue(all(torch.equal(back[k], v) for k, v in tensors.items()))

    def test_a_truncated_file_is_refused(self) -> None:
        path = scratch_dir() / "x.safetensors"
        write_file({"w": torch.ones(100)}, path)
        path.write_bytes(path.read_bytes()[:-10])
        with self.assertRaisesRegex(ModelLoadError, "do not fit"):
            read_file(path)


if __name__ == "__main__":
    unittest.main()
