// A persistent worker pool with low dispatch latency that tolerates preempted workers.
//
// A dispatch publishes a job under a new epoch in one 64-bit word (epoch << 32 | next task) and the
// caller starts claiming tasks at once. Workers claim with compare-and-swap against that word, so a
// worker that wakes late can never take a task of a newer job, and the caller waits only for tasks
// actually claimed — never for a worker that is asleep or preempted (on a busy machine the caller
// simply does more of the tasks itself).
// Workers spin (with a CPU pause hint) for a short while after each job so back-to-back dispatches
// (a decode step issues ~65-115 matvecs) cost a cache-line handoff, not a futex wake; after the spin
// window they sleep on a condition variable so an idle engine burns no CPU.
#define _GNU_SOURCE
#include "internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { OMK_MAX_THREADS = 64 };
static const int64_t spin_window_ns = 2000000; // 2 ms

typedef struct {
    _Atomic uint64_t claim;         // epoch << 32 | index of the next unclaimed task
    _Atomic int64_t completed;      // tasks of the current epoch finished
    _Atomic int sleepers;           // workers blocked (or about to block) on wake
    omk_task_fn fn;                 // the current job; written only while no task of it is claimable
    void *context;
    _Atomic int64_t task_count;     // atomic: a stale worker may read it while the next job is set up
    _Atomic int active_threads;     // threads that take tasks (caller included)
    int worker_count;               // threads started besides the caller
    pthread_mutex_t lock;
    pthread_cond_t wake;
} omk_pool;

static omk_pool pool = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static atomic_flag pool_busy = ATOMIC_FLAG_INIT; // held by the thread dispatching to the pool
static int requested_threads = 0;                // 0: not set, use the machine's cores

static inline void cpu_relax(void) {
#if OMK_X86
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int available_cores(void) {
    const char *env = getenv("OMNI_THREADS");
    if (env) {
        int n = atoi(env);
        if (n >= 1) return n < OMK_MAX_THREADS ? n : OMK_MAX_THREADS;
    }
    int n = 0;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) n = CPU_COUNT(&set);
#endif
    if (n <= 0) n = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n <= 0) n = 1;
    return n < OMK_MAX_THREADS ? n : OMK_MAX_THREADS;
}

/// Claims and runs tasks of `epoch` until none is left or a newer job replaced it.
static void run_tasks(uint32_t epoch) {
    uint64_t word = atomic_load_explicit(&pool.claim, memory_order_acquire);
    for (;;) {
        if ((uint32_t)(word >> 32) != epoch) return;
        int64_t task = (int64_t)(uint32_t)word;
        // Safe to read: the job cannot change while a task of this epoch is still unclaimed.
        int64_t count = atomic_load_explicit(&pool.task_count, memory_order_relaxed);
        if (task >= count) return;
        if (atomic_compare_exchange_weak_explicit(&pool.claim, &word, word + 1, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            pool.fn(pool.context, task);
            atomic_fetch_add_explicit(&pool.completed, 1, memory_order_release);
            word = atomic_load_explicit(&pool.claim, memory_order_acquire);
        }
    }
}

static void *worker_main(void *arg) {
    int index = (int)(intptr_t)arg; // 1 ... worker_count (0 is the caller)
    uint32_t seen = 0;
    for (;;) {
        uint32_t epoch = (uint32_t)(atomic_load_explicit(&pool.claim, memory_order_acquire) >> 32);
        if (epoch == seen) {
            int64_t start = now_ns();
            for (unsigned spins = 1;; spins++) {
                cpu_relax();
                epoch = (uint32_t)(atomic_load_explicit(&pool.claim, memory_order_acquire) >> 32);
                if (epoch != seen) break;
                if ((spins & 255) == 0 && now_ns() - start > spin_window_ns) {
                    pthread_mutex_lock(&pool.lock);
                    atomic_fetch_add(&pool.sleepers, 1);
                    while ((epoch = (uint32_t)(atomic_load(&pool.claim) >> 32)) == seen)
                        pthread_cond_wait(&pool.wake, &pool.lock);
                    atomic_fetch_sub(&pool.sleepers, 1);
                    pthread_mutex_unlock(&pool.lock);
                    break;
                }
            }
        }
        seen = epoch;
        if (index < atomic_load_explicit(&pool.active_threads, memory_order_relaxed)) run_tasks(epoch);
    }
    return NULL;
}

static void start_pool(void) {
    int threads = requested_threads > 0 ? requested_threads : available_cores();
    pool.worker_count = 0;
    for (int i = 1; i < threads; i++) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int created = pthread_create(&thread, &attr, worker_main, (void *)(intptr_t)i) == 0;
        pthread_attr_destroy(&attr);
        if (!created) break;
        pool.worker_count++;
    }
    atomic_store(&pool.active_threads, pool.worker_count + 1);
}

int omk_thread_count(void) {
    pthread_once(&pool_once, start_pool);
    return atomic_load(&pool.active_threads);
}

void omk_set_thread_count(int count) {
    if (count < 1) count = 1;
    if (count > OMK_MAX_THREADS) count = OMK_MAX_THREADS;
    requested_threads = count;
    pthread_once(&pool_once, start_pool);
    // Workers already started stay (idle when not needed); threads beyond those started cannot be added.
    atomic_store(&pool.active_threads, count < pool.worker_count + 1 ? count : pool.worker_count + 1);
}

void omk_parallel_for(int64_t task_count, omk_task_fn fn, void *context) {
    if (task_count <= 0) return;
    pthread_once(&pool_once, start_pool);
    // A second caller (another thread, or a task calling back in) runs inline instead of waiting.
    if (task_count == 1 || task_count > UINT32_MAX || atomic_load(&pool.active_threads) <= 1 ||
        atomic_flag_test_and_set_explicit(&pool_busy, memory_order_acquire)) {
        for (int64_t t = 0; t < task_count; t++) fn(context, t);
        return;
    }
    pool.fn = fn;
    pool.context = context;
    atomic_store_explicit(&pool.task_count, task_count, memory_order_relaxed);
    atomic_store_explicit(&pool.completed, 0, memory_order_relaxed);
    uint32_t epoch = (uint32_t)(atomic_load_explicit(&pool.claim, memory_order_relaxed) >> 32) + 1;
    atomic_store(&pool.claim, (uint64_t)epoch << 32); // sequentially consistent: pairs with the sleepers check
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    run_tasks(epoch);
    unsigned spins = 0;
    while (atomic_load_explicit(&pool.completed, memory_order_acquire) < task_count) {
        cpu_relax();
        if (++spins % 4096 == 0) sched_yield(); // the worker holding the last task was preempted
    }
    atomic_flag_clear_explicit(&pool_busy, memory_order_release);
}
