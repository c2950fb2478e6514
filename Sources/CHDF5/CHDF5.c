#include "CHDF5.h"
#include <stdio.h>
#include <string.h>

int omni_h5_version(void) {
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    return (int)(maj * 10000 + min * 100 + rel);
}
hid_t omni_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t omni_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t omni_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t omni_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
hid_t omni_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
hid_t omni_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t omni_h5p_default(void) { return H5P_DEFAULT; }
hid_t omni_h5s_all(void) { return H5S_ALL; }
hsize_t omni_h5s_unlimited(void) { return H5S_UNLIMITED; }
void omni_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

// The library is thread-safe, so the automatic-printing setting lives on each thread's error
// stack: silence it once per thread, before that thread's first call.
static _Thread_local int omni_thread_silenced = 0;
void omni_h5_prepare_thread(void) {
    if (!omni_thread_silenced) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        omni_thread_silenced = 1;
    }
}

typedef struct {
    char *buf;
    size_t cap;
    size_t used;
    int count;
} omni_error_sink;

static herr_t omni_error_walker(unsigned n, const H5E_error2_t *err, void *data) {
    (void)n;
    omni_error_sink *sink = (omni_error_sink *)data;
    char minor[256] = "";
    H5Eget_msg(err->min_num, NULL, minor, sizeof minor);
    if (sink->cap > sink->used + 1) {
        int wrote = snprintf(sink->buf + sink->used, sink->cap - sink->used, "%s%s(): %s%s%s%s",
                             sink->count ? "\n" : "", err->func_name ? err->func_name : "?",
                             err->desc ? err->desc : "", minor[0] ? " (" : "", minor, minor[0] ? ")" : "");
        if (wrote > 0) {
            size_t w = (size_t)wrote;
            sink->used = (sink->used + w < sink->cap) ? sink->used + w : sink->cap - 1;
        }
    }
    sink->count += 1;
    return 0;
}

int omni_h5_error_stack(char *buf, size_t cap) {
    omni_error_sink sink = {buf, cap, 0, 0};
    if (cap > 0) buf[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, omni_error_walker, &sink);
    H5Eclear2(H5E_DEFAULT);
    return sink.count;
}

void omni_h5_error_clear(void) { H5Eclear2(H5E_DEFAULT); }

int omni_h5_is_hdf5(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    int found = 0;
    for (long off = 0; off <= 4096 && !found; off = off ? off * 2 : 512) {
        unsigned char got[8];
        if (fseek(f, off, SEEK_SET) != 0) break;
        if (fread(got, 1, 8, f) != 8) break;
        if (memcmp(got, sig, 8) == 0) found = 1;
    }
    fclose(f);
    return found;
}

static hid_t omni_fapl(int latest) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return fapl;
    if (latest && H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

hid_t omni_h5_file_create(const char *path, int latest_format) {
    hid_t fapl = omni_fapl(latest_format);
    if (fapl < 0) return fapl;
    // No modification times in object headers: the same content gives the same bytes.
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl < 0) { H5Pclose(fapl); return -1; }
    H5Pset_obj_track_times(fcpl, 0);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fcpl);
    H5Pclose(fapl);
    return f;
}

hid_t omni_h5_file_open(const char *path, int mode) {
    unsigned flags = mode == 1 ? H5F_ACC_RDWR : (mode == 2 ? (H5F_ACC_RDONLY | H5F_ACC_SWMR_READ) : H5F_ACC_RDONLY);
    return H5Fopen(path, flags, H5P_DEFAULT);
}

long long omni_h5_open_object_count(hid_t obj) {
    hid_t file = H5Iget_file_id(obj);
    if (file < 0) return -1;
    ssize_t n = H5Fget_obj_count(file, H5F_OBJ_ALL | H5F_OBJ_LOCAL);
    H5Fclose(file);
    return (long long)n;
}

herr_t omni_h5_file_flush(hid_t obj) { return H5Fflush(obj, H5F_SCOPE_GLOBAL); }

hid_t omni_h5_string_type(size_t size) {
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return t;
    herr_t ok = H5Tset_size(t, size == 0 ? H5T_VARIABLE : size);
    if (ok >= 0) ok = H5Tset_cset(t, H5T_CSET_UTF8);
    if (ok >= 0 && size > 0) ok = H5Tset_strpad(t, H5T_STR_NULLPAD);
    if (ok < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

hid_t omni_h5_space(int rank, const hsize_t *dims, int unlimited_first) {
    if (rank == 0) return H5Screate(H5S_SCALAR);
    hsize_t maxdims[H5S_MAX_RANK];
    for (int i = 0; i < rank && i < H5S_MAX_RANK; i++) maxdims[i] = dims[i];
    if (unlimited_first) maxdims[0] = H5S_UNLIMITED;
    return H5Screate_simple(rank, dims, maxdims);
}

hid_t omni_h5_dcpl(int rank, const hsize_t *chunk, int deflate_level, int shuffle) {
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    if (p < 0) return p;
    if (H5Pset_obj_track_times(p, 0) < 0) { H5Pclose(p); return -1; }
    if (chunk == NULL) return p;
    herr_t ok = H5Pset_chunk(p, rank, chunk);
    if (ok >= 0 && shuffle) ok = H5Pset_shuffle(p);
    if (ok >= 0 && deflate_level > 0) ok = H5Pset_deflate(p, (unsigned)deflate_level);
    if (ok < 0) {
        H5Pclose(p);
        return -1;
    }
    return p;
}

hid_t omni_h5_gcpl_untimed(void) {
    hid_t p = H5Pcreate(H5P_GROUP_CREATE);
    if (p < 0) return p;
    if (H5Pset_obj_track_times(p, 0) < 0) { H5Pclose(p); return -1; }
    return p;
}

int omni_h5_deflate_available(void) {
    unsigned int config = 0;
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) return 0;
    if (H5Zget_filter_info(H5Z_FILTER_DEFLATE, &config) < 0) return 0;
    return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) && (config & H5Z_FILTER_CONFIG_DECODE_ENABLED);
}

hid_t omni_h5_lcpl_intermediate(void) {
    hid_t p = H5Pcreate(H5P_LINK_CREATE);
    if (p < 0) return p;
    if (H5Pset_create_intermediate_group(p, 1) < 0) {
        H5Pclose(p);
        return -1;
    }
    return p;
}

static herr_t omni_select(hid_t dset, hsize_t start, hsize_t count, hid_t *file_space, hid_t *mem_space, int grow) {
    hid_t space = H5Dget_space(dset);
    if (space < 0) return -1;
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank <= 0 || rank > H5S_MAX_RANK) {
        H5Sclose(space);
        return -1;
    }
    hsize_t dims[H5S_MAX_RANK], offs[H5S_MAX_RANK], cnt[H5S_MAX_RANK];
    H5Sget_simple_extent_dims(space, dims, NULL);
    if (grow) {
        H5Sclose(space);
        start = dims[0];
        dims[0] += count;
        if (H5Dset_extent(dset, dims) < 0) return -1;
        space = H5Dget_space(dset);
        if (space < 0) return -1;
    } else if (start + count > dims[0]) {
        H5Sclose(space);
        return -1;
    }
    for (int i = 0; i < rank; i++) {
        offs[i] = 0;
        cnt[i] = dims[i];
    }
    offs[0] = start;
    cnt[0] = count;
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, offs, NULL, cnt, NULL) < 0) {
        H5Sclose(space);
        return -1;
    }
    hid_t mem = H5Screate_simple(rank, cnt, NULL);
    if (mem < 0) {
        H5Sclose(space);
        return -1;
    }
    *file_space = space;
    *mem_space = mem;
    return 0;
}

herr_t omni_h5_append(hid_t dset, hid_t mem_type, hsize_t count, const void *buf) {
    if (count == 0) return 0;
    hid_t fs, ms;
    if (omni_select(dset, 0, count, &fs, &ms, 1) < 0) return -1;
    herr_t ok = H5Dwrite(dset, mem_type, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    return ok;
}

herr_t omni_h5_read_rows(hid_t dset, hid_t mem_type, hsize_t start, hsize_t count, void *buf) {
    if (count == 0) return 0;
    hid_t fs, ms;
    if (omni_select(dset, start, count, &fs, &ms, 0) < 0) return -1;
    herr_t ok = H5Dread(dset, mem_type, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    return ok;
}

herr_t omni_h5_vlen_reclaim(hid_t type, hsize_t count, void *buf) {
    if (count == 0) return 0;
    hid_t space = H5Screate_simple(1, &count, NULL);
    if (space < 0) return -1;
    herr_t ok = H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
    H5Sclose(space);
    return ok;
}

static int omni_space_dims(hid_t space, hsize_t *dims, int max_rank) {
    if (space < 0) return -1;
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank > max_rank) rank = -1;
    if (rank > 0) H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    return rank;
}

int omni_h5_dataset_dims(hid_t dset, hsize_t *dims, int max_rank) {
    return omni_space_dims(H5Dget_space(dset), dims, max_rank);
}

int omni_h5_attr_dims(hid_t attr, hsize_t *dims, int max_rank) {
    return omni_space_dims(H5Aget_space(attr), dims, max_rank);
}

int omni_h5_num_attrs(hid_t obj) {
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
    return (int)info.num_attrs;
}

int omni_h5_path_exists(hid_t loc, const char *path) {
    char partial[1024];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof partial) return -1;
    for (size_t i = 1; i <= len; i++) {
        if (i == len || path[i] == '/') {
            memcpy(partial, path, i);
            partial[i] = 0;
            if (i == 1 && path[0] == '/') continue;
            htri_t e = H5Lexists(loc, partial, H5P_DEFAULT);
            if (e <= 0) return (int)e;
        }
    }
    return 1;
}

long long omni_h5_group_count(hid_t group) {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) return -1;
    return (long long)info.nlinks;
}

herr_t omni_h5_attr_write(hid_t obj, const char *name, hid_t type, int rank, hsize_t n, const void *buf) {
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0) return -1;
    if (exists > 0 && H5Adelete(obj, name) < 0) return -1;
    hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
    if (space < 0) return -1;
    hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    if (attr < 0) return -1;
    herr_t ok = H5Awrite(attr, type, buf);
    H5Aclose(attr);
    return ok;
}
