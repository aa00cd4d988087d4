// Mapping pages in ahead of use: one madvise(MADV_POPULATE_WRITE/READ) over a
// range instead of one page fault per page at first touch. On the virtual
// machines we run on a first-touch fault costs about 9-14 us against ~2.5 us
// per page populated (bench/RESULTS.md, start-up), so the places that are
// about to touch many fresh pages at once (the CLI's heap, data segments being
// copied into a new memory, JIT code memory) populate them first.
//
// Invariant: purely an optimization. Where the kernel lacks the advice (before
// Linux 5.14, EINVAL) or the range holds no whole page, nothing happens and
// the pages fault in as they would have.
#pragma once

#include <cstddef>

namespace cascade {

// Populates the whole OS pages inside [p, p + bytes): writable and private
// copies made (`write`, for memory about to be written) or just mapped
// (`!write`, e.g. the executable view of code written through another view).
// The range must be mapped with matching protection. Returns whether the
// kernel did it.
bool PopulatePages(void* p, size_t bytes, bool write);

// Blocks from this size up (bytes) are worth populating before they are
// first written (large data segments, an instance's FuncInstances); below it
// the madvise costs about what the few faults would.
inline constexpr size_t kPopulateMinBytes = size_t{64} << 10;

}  // namespace cascade
