// Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h, include/linux/errno.h)
// with the names and messages strace prints for them (glibc's strerror texts).

export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8;
export const EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15;
export const EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22;
export const ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29;
export const EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36;
export const ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75;
export const EBADFD = 77, EILSEQ = 84, EOPNOTSUPP = 95, ETIMEDOUT = 110;
/** Kernel-internal restart codes (never seen by user space; strace shows them). */
export const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514, ENOIOCTLCMD = 515, ERESTART_RESTARTBLOCK = 516;

/** errno -> [name, message]. */
export const ERRNOS: ReadonlyMap<number, readonly [string, string]> = new Map([
  [1, ['EPERM', 'Operation not permitted']],
  [2, ['ENOENT', 'No such file or directory']],
  [3, ['ESRCH', 'No such process']],
  [4, ['EINTR', 'Interrupted system call']],
  [5, ['EIO', 'Input/output error']],
  [6, ['ENXIO', 'No such device or address']],
  [7, ['E2BIG', 'Argument list too long']],
  [8, ['ENOEXEC', 'Exec format error']],
  [9, ['EBADF', 'Bad file descriptor']],
  [10, ['ECHILD', 'No child processes']],
  [11, ['EAGAIN', 'Resource temporarily unavailable']],
  [12, ['ENOMEM', 'Cannot allocate memory']],
  [13, ['EACCES', 'Permission denied']],
  [14, ['EFAULT', 'Bad address']],
  [15, ['ENOTBLK', 'Block device required']],
  [16, ['EBUSY', 'Device or resource busy']],
  [17, ['EEXIST', 'File exists']],
  [18, ['EXDEV', 'Invalid cross-device link']],
  [19, ['ENODEV', 'No such device']],
  [20, ['ENOTDIR', 'Not a directory']],
  [21, ['EISDIR', 'Is a directory']],
  [22, ['EINVAL', 'Invalid argument']],
  [23, ['ENFILE', 'Too many open files in system']],
  [24, ['EMFILE', 'Too many open files']],
  [25, ['ENOTTY', 'Inappropriate ioctl for device']],
  [26, ['ETXTBSY', 'Text file busy']],
  [27, ['EFBIG', 'File too large']],
  [28, ['ENOSPC', 'No space left on device']],
  [29, ['ESPIPE', 'Illegal seek']],
  [30, ['EROFS', 'Read-only file system']],
  [31, ['EMLINK', 'Too many links']],
  [32, ['EPIPE', 'Broken pipe']],
  [33, ['EDOM', 'Numerical argument out of domain']],
  [34, ['ERANGE', 'Numerical result out of range']],
  [35, ['EDEADLK', 'Resource deadlock avoided']],
  [36, ['ENAMETOOLONG', 'File name too long']],
  [37, ['ENOLCK', 'No locks available']],
  [38, ['ENOSYS', 'Function not implemented']],
  [39, ['ENOTEMPTY', 'Directory not empty']],
  [40, ['ELOOP', 'Too many levels of symbolic links']],
  [42, ['ENOMSG', 'No message of desired type']],
  [43, ['EIDRM', 'Identifier removed']],
  [61, ['ENODATA', 'No data available']],
  [62, ['ETIME', 'Timer expired']],
  [71, ['EPROTO', 'Protocol error']],
  [74, ['EBADMSG', 'Bad message']],
  [75, ['EOVERFLOW', 'Value too large for defined data type']],
  [77, ['EBADFD', 'File descriptor in bad state']],
  [84, ['EILSEQ', 'Invalid or incomplete multibyte or wide character']],
  [88, ['ENOTSOCK', 'Socket operation on non-socket']],
  [95, ['EOPNOTSUPP', 'Operation not supported']],
  [110, ['ETIMEDOUT', 'Connection timed out']],
  [125, ['ECANCELED', 'Operation canceled']],
]);

/** The restart codes strace shows as `= ? ERESTARTSYS (To be restarted if SA_RESTART is set)`. */
export const RESTART_CODES: ReadonlyMap<number, readonly [string, string]> = new Map([
  [ERESTARTSYS, ['ERESTARTSYS', 'To be restarted if SA_RESTART is set']],
  [ERESTARTNOINTR, ['ERESTARTNOINTR', 'To be restarted']],
  [ERESTARTNOHAND, ['ERESTARTNOHAND', 'To be restarted if no handler']],
  [ERESTART_RESTARTBLOCK, ['ERESTART_RESTARTBLOCK', 'Interrupted by signal']],
]);
