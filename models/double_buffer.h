#pragma once
// An uninitialised buffer of doubles for the guichet's draw matrices and the columns the MPI
// ranks exchange (100,000 draws: ~100 MB). From 2 MB up it is 2 MB aligned and advised to
// transparent huge pages (where the kernel's mode is `madvise`, as Debian's): a few hundred page
// faults instead of ~25,000 per 100 MB, and a cheap unmapping at exit (MPI ranks turn huge pages
// off: planner/cluster.cpp). Nothing is zero-filled: the owner writes every element before
// reading it.
#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace dorsale {

class DoubleBuffer {
 public:
  DoubleBuffer() = default;
  explicit DoubleBuffer(std::size_t n) : p_(allocate(n)), n_(n) {}
  double* data() { return p_.get(); }
  const double* data() const { return p_.get(); }
  std::size_t size() const { return n_; }
  double* begin() { return p_.get(); }
  double* end() { return p_.get() + n_; }
  const double* begin() const { return p_.get(); }
  const double* end() const { return p_.get() + n_; }

 private:
  struct Free {
    void operator()(double* p) const { std::free(p); }
  };
  static double* allocate(std::size_t n) {
    constexpr std::size_t kHuge = std::size_t(2) << 20;
    const std::size_t bytes = (n > 0 ? n : 1) * sizeof(double);
    void* p = nullptr;
    if (bytes >= kHuge) {
      const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
      p = std::aligned_alloc(kHuge, rounded);
      if (p) madvise(p, rounded, MADV_HUGEPAGE);  // advice: ignored where huge pages are off
    } else {
      p = std::malloc(bytes);
    }
    if (!p) throw std::bad_alloc();
    return static_cast<double*>(p);
  }
  std::unique_ptr<double[], Free> p_;
  std::size_t n_ = 0;
};

}  // namespace dorsale
