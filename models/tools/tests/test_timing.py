from unclip_tools.reference import Bundle, one_thread
from unclip_tools.timing import measure


def test_each_bundle_gets_one_timed_image_per_round(bundle_dir):
    bundle = Bundle(bundle_dir)
    with one_thread():  # two threads on a shared 2-core machine mostly wait for each other
        times = measure([bundle, bundle], rounds=2, warmup=0)
    assert len(times) == 2 and all(len(t) == 2 and all(s > 0 for s in t) for t in times)
