// Where the Kubernetes API is and how to prove who we are, however it was
// found (a kubeconfig file or the pod's service account).
export interface KubeConnection {
  /** Base URL of the API server, without a trailing slash (may carry a path prefix behind a proxy). */
  server: string;
  /** scheme://host:port, IPv6 hosts bracketed: what errors and logs name. */
  endpoint: string;
  /** PEM bundle to trust for the server's certificate; absent = the system's roots. */
  caPem?: string;
  /** Client certificate authentication, PEM. */
  clientCertificate?: { certPem: string; keyPem: string };
  /** Bearer token authentication; read on each call because projected tokens rotate. */
  token?: () => string;
  /** TLS server name to check instead of the host of `server`. */
  tlsServerName?: string;
  /** The namespace of the current context, or the pod's own. */
  namespace?: string;
  /** For the start-up log line: `KUBECONFIG context "x"` or `in-cluster service account`. */
  source: string;
}
