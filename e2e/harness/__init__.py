"""The end-to-end harness: a datacenter of network namespaces on one machine."""
