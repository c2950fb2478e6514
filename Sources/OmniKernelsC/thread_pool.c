// A persistent worker pool with low dispatch latency.
//
// Workers spin (with a CPU pause hint) for a short while after each job so back-to-back dispatches
// (a decode step issues ~100 matvecs) cost a cache-line handoff, not a futex wake; after the spin
// window they sleep on a condition variable so an idle engine burns no CPU.
// The caller runs tasks too, so a machine with N cores uses N-1 workers.
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
    _Atomic uint64_t generation;  // bumped once per dispatch
    _Atomic int64_t next_task;    // next unclaimed task index
    _Atomic int finished_workers; // workers done with the current generation
    _Atomic int sleepers;         // workers blocked (or about to block) on wake
    omk_task_fn fn;
    void *context;
    int64_t task_count;
    int worker_count;             // threads started besides the caller
    int active_threads;           // threads that take tasks (caller included)
    pthread_mutex_t lock;
    pthread_cond_t wake;
} omk_pool;

static omk_pool pool = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static atomic_flag pool_busy = ATOMIC_FLAG_INIT; // held by the thread dispatching to the pool
static int requested_threads = 0; // 0: not set, use the machine's cores

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

static void run_tasks(void) {
    int64_t count = pool.task_count;
    for (;;) {
        int64_t t = atomic_fetch_add_explicit(&pool.next_task, 1, memory_order_relaxed);
        if (t >= count) return;
        pool.fn(pool.context, t);
    }
}

static void *worker_main(void *arg) {
    int index = (int)(intptr_t)arg; // 1 ... worker_count (0 is the caller)
    uint64_t seen = 0;
    for (;;) {
        uint64_t g = atomic_load_explicit(&pool.generation, memory_order_acquire);
        if (g == seen) {
            int64_t start = now_ns();
            for (unsigned spins = 1;; spins++) {
                cpu_relax();
                g = atomic_load_explicit(&pool.generation, memory_order_acquire);
                if (g != seen) break;
                if ((spins & 255) == 0 && now_ns() - start > spin_window_ns) {
                    pthread_mutex_lock(&pool.lock);
                    atomic_fetch_add(&pool.sleepers, 1);
                    while ((g = atomic_load(&pool.generation)) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
                    atomic_fetch_sub(&pool.sleepers, 1);
                    pthread_mutex_unlock(&pool.lock);
                    break;
                }
            }
        }
        seen = g;
        if (index < pool.active_threads) run_tasks();
        atomic_fetch_add_explicit(&pool.finished_workers, 1, memory_order_release);
    }
    return NULL;
}

static void start_pool(void) {
    int threads = requested_threads > 0 ? requested_threads : available_cores();
    pool.active_threads = threads;
    pool.worker_count = 0;
    for (int i = 1; i < threads; i++) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attr, worker_main, (void *)(intptr_t)i) == 0) pool.worker_count++;
        pthread_attr_destroy(&attr);
        if (pool.worker_count != i) break;
    }
    pool.active_threads = pool.worker_count + 1;
}

int omk_thread_count(void) {
    pthread_once(&pool_once, start_pool);
    return pool.active_threads;
}

void omk_set_thread_count(int count) {
    if (count < 1) count = 1;
    if (count > OMK_MAX_THREADS) count = OMK_MAX_THREADS;
    requested_threads = count;
    pthread_once(&pool_once, start_pool);
    // Workers already started stay; extra ones idle. More threads than started cannot be added later.
    pool.active_threads = count < pool.worker_count + 1 ? count : pool.worker_count + 1;
}

void omk_parallel_for(int64_t task_count, omk_task_fn fn, void *context) {
    if (task_count <= 0) return;
    pthread_once(&pool_once, start_pool);
    // A second caller (another thread, or a task calling back in) runs inline instead of waiting.
    if (task_count == 1 || pool.active_threads <= 1 || pool.worker_count == 0 ||
        atomic_flag_test_and_set_explicit(&pool_busy, memory_order_acquire)) {
        for (int64_t t = 0; t < task_count; t++) fn(context, t);
        return;
    }
    pool.fn = fn;
    pool.context = context;
    pool.task_count = task_count;
    atomic_store_explicit(&pool.next_task, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.finished_workers, 0, memory_order_relaxed);
    atomic_fetch_add(&pool.generation, 1); // sequentially consistent: pairs with the sleepers check below
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    run_tasks();
    unsigned spins = 0;
    while (atomic_load_explicit(&pool.finished_workers, memory_order_acquire) < pool.worker_count) {
        cpu_relax();
        if (++spins % 4096 == 0) sched_yield(); // a worker was preempted: let it run
    }
    atomic_flag_clear_explicit(&pool_busy, memory_order_release);
}
