"""A Keras model with fastinit initializers, saved and loaded on every backend.

Keras fixes its backend per process, so the torch and numpy backends run in
child processes, in a chain: this process (JAX) saves a model, a torch child
loads it -- a fresh process that only imported ``fastinit.keras``, no
``custom_objects`` -- and saves its own, a numpy child loads that one and
saves its own, and this process loads the last.  Each process also checks
that the kernels are its backend's tensors holding exactly fastinit's values
(float32 and a bfloat16 layer).
"""
import json
import subprocess
import sys
import textwrap

import pytest

from tests.support.processes import child_env

keras = pytest.importorskip("keras")
pytest.importorskip("fastinit.keras")

#: run in every process: check a model saved by another one, build and save this one's
SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import keras
    import fastinit, fastinit.keras as fk

    def build():
        inputs = keras.Input((8, 8, 3))
        x = keras.layers.Conv2D(16, 3, kernel_initializer=fk.HeNormal(seed=1),
                                bias_initializer=fk.Constant(0.1))(inputs)
        x = keras.layers.Conv2D(8, 3, kernel_initializer=fk.Orthogonal(seed=2),
                                dtype="bfloat16")(x)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(32, kernel_initializer=fk.VarianceScaling(
            2.0, "fan_avg", "normal", seed=3))(x)
        out = keras.layers.Dense(4, kernel_initializer=fk.GlorotUniform(
            seed=keras.random.SeedGenerator(4)))(x)
        return keras.Model(inputs, out)

    def kernels(model):
        return {layer.name: layer.kernel.value for layer in model.layers
                if hasattr(layer, "kernel")}

    def check_loaded(path, want):
        model = keras.saving.load_model(path)          # no custom_objects
        got = {name: keras.ops.convert_to_numpy(k).astype(np.float32).tolist()
               for name, k in kernels(model).items()}
        assert got == want, "weights changed on the way"
        inits = [type(layer.kernel_initializer).__module__ for layer in model.layers
                 if hasattr(layer, "kernel_initializer")]
        assert inits == ["fastinit.keras"] * 4, inits
        dense = model.layers[-1]
        clone = type(dense).from_config(dense.get_config())
        assert type(clone.kernel_initializer) is fk.GlorotUniform
        return len(got)

    def run(load_from, save_to):
        checked = check_loaded(load_from["path"], load_from["kernels"]) if load_from else 0
        model = build()
        tensor_types = set()
        for layer in model.layers:
            if not hasattr(layer, "kernel"):
                continue
            kernel = layer.kernel.value
            tensor_types.add(type(kernel).__module__.split(".")[0])
            init = layer.kernel_initializer
            if isinstance(init.seed, int):   # same bits as the neutral draw
                want = fastinit.get(init)(tuple(kernel.shape), layer.kernel.dtype)
                got = keras.ops.convert_to_numpy(kernel)
                assert got.astype(np.float32).tobytes() == \\
                    want.astype(np.float32).tobytes(), layer.name
        assert keras.backend.standardize_dtype(model.layers[2].kernel.dtype) == "bfloat16"
        model.save(save_to)
        saved = {name: keras.ops.convert_to_numpy(k).astype(np.float32).tolist()
                 for name, k in kernels(model).items()}
        return {"backend": keras.backend.backend(), "checked": checked,
                "tensor_types": sorted(tensor_types),
                "saved": {"path": save_to, "kernels": saved}}

    if __name__ == "__main__":
        load_from = json.loads(sys.argv[1])
        print(json.dumps(run(load_from, sys.argv[2])))
""")


def _child(backend, load_from, save_to):
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(load_from), str(save_to)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(child_env(), KERAS_BACKEND=backend))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_save_and_load_across_backends(tmp_path):
    here = {}
    exec(compile(SCRIPT, "keras_backend_script", "exec"), here)
    assert keras.backend.backend() == "jax"
    first = here["run"](None, str(tmp_path / "jax.keras"))
    assert first["tensor_types"] == ["jaxlib"] or first["tensor_types"] == ["jax"]
    torch_run = _child("torch", first["saved"], tmp_path / "torch.keras")
    assert torch_run["backend"] == "torch" and torch_run["checked"] == 4
    assert torch_run["tensor_types"] == ["torch"]
    numpy_run = _child("numpy", torch_run["saved"], tmp_path / "numpy.keras")
    assert numpy_run["backend"] == "numpy" and numpy_run["checked"] == 4
    assert numpy_run["tensor_types"] == ["numpy"]
    assert here["check_loaded"](numpy_run["saved"]["path"], numpy_run["saved"]["kernels"]) == 4
