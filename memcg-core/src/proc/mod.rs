//! `/proc/<pid>/cgroup` and `/proc/<pid>/mountinfo`.
