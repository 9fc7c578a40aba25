// Shapes of the Pipecat Cloud secrets API that the refresher reads and writes.
export type SecretSetType = 'secret' | 'imagePullSecret';
export type SecretSetStatus = 'pending' | 'ready' | 'failed';

export interface SecretSetSummary {
  name: string;
  type: SecretSetType;
  region?: string;
  status: SecretSetStatus;
  errorMessage?: string;
}

export interface TripletBody {
  secrets: { secretKey: string; secretValue: string }[];
  region?: string;
}

export interface ImagePullSecretBody {
  isImagePullSecret: true;
  host: string;
  secretValue: string;
  region?: string;
}

export type SecretBody = TripletBody | ImagePullSecretBody;
