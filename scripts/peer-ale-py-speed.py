#!/usr/bin/env python3
"""ale-py's speed beside knowhow's: agent steps/s of gymnasium's AtariPreprocessing(ALE/Breakout-v5, frameskip=1)
with random actions, one thread (what `knowhow bench --only env` times with the `atari` feature).

    python3 -m venv /tmp/ale-venv && /tmp/ale-venv/bin/pip install ale-py==0.12.1 gymnasium==1.4.0 opencv-python-headless
    for seed in 1 2 3; do
        OMP_NUM_THREADS=1 /tmp/ale-venv/bin/python scripts/peer-ale-py-speed.py 20000 $seed
        KNOWHOW_ATARI_ROMS=roms target/release/knowhow bench --only env --repetitions 1 | grep ALE/
    done

Prints one number: agent steps per second (each step: four emulated frames, two grayscale reads, a max-pool and an
84x84 area resize). Interleave it with knowhow's bench, as above, so that both see the same load.
"""
import sys, time
import numpy as np
import gymnasium as gym
import ale_py
from gymnasium.wrappers import AtariPreprocessing
gym.register_envs(ale_py)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
env = AtariPreprocessing(gym.make("ALE/Breakout-v5", frameskip=1, repeat_action_probability=0.25), noop_max=30,
                         frame_skip=4, screen_size=84, terminal_on_life_loss=False, grayscale_obs=True)
rng = np.random.default_rng(seed)
env.reset(seed=seed)
actions = rng.integers(0, 4, size=steps)
start = time.perf_counter()
for action in actions:
    _, _, terminated, truncated, _ = env.step(int(action))
    if terminated or truncated:
        env.reset()
print(f"{steps / (time.perf_counter() - start):.0f}")
