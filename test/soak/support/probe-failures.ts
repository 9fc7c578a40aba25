// Why a probe failed, where the report reads it back: the Secret was not there (404), as a
// kubelet would find it.
export const NO_SECRET = 'the Secret does not exist';
