//! Finding the memory cgroup directory of this process, a PID or a container.
