"""Unit tests of the harness's arithmetic: python3 -m unittest discover -s e2e -p 'test_*.py'."""

import unittest

from harness import image, net, report


class LowerBoundTest(unittest.TestCase):

    def test_the_slowest_host_link_bounds_a_small_rollout(self):
        # 100 MB to 4 hosts at 8 MB/s each (64 Mbit/s), seeders and uplinks far faster.
        bound = report.lower_bound(100_000_000, 4, "64mbit", "1gbit", "1gbit")
        self.assertAlmostEqual(bound, 100 / 8, places=3)

    def test_slow_seeders_bound_the_rollout(self):
        # The seeders must send the image once: 100 MB at 2 MB/s.
        bound = report.lower_bound(100_000_000, 100, "64mbit", None, "16mbit")
        self.assertAlmostEqual(bound, 100 / 2, places=3)

    def test_a_slow_rack_uplink_bounds_the_rollout(self):
        bound = report.lower_bound(100_000_000, 4, "64mbit", "16mbit", "1gbit")
        self.assertAlmostEqual(bound, 100 / 2, places=3)


class PercentileTest(unittest.TestCase):

    def test_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(report.percentile(values, 50), 50)
        self.assertEqual(report.percentile(values, 99), 99)
        self.assertEqual(report.percentile([3.0, 1.0, 2.0], 99), 3.0)


class RatesAndLayersTest(unittest.TestCase):

    def test_rates_in_tc_units(self):
        self.assertEqual(net.rate_bits("50mbit"), 50_000_000)
        self.assertEqual(net.rate_bits("1.5gbit"), 1_500_000_000)
        self.assertEqual(net.rate_bits("800kbit"), 800_000)

    def test_layers_add_up_to_the_image_with_one_small_layer(self):
        for mb in (8, 64, 256, 1000):
            sizes = image.layer_sizes(mb)
            self.assertEqual(sum(sizes), mb << 20)
            self.assertEqual(sizes[0], image.SMALL)
            self.assertTrue(all(s <= image.MAX_LAYER for s in sizes))


if __name__ == "__main__":
    unittest.main()
