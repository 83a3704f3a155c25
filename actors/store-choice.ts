// Picks the certificate store: the Windows store on Windows, the folder store elsewhere,
// unless `--store windows|folder` forces one.
import { FolderCertificateStore } from '../adapters/folder-store/folder-store.ts';
import { WindowsCertificateStore } from '../adapters/windows-store/windows-store.ts';
import type { CertificateStore } from '../adapters/store.ts';

export type StoreKind = 'windows' | 'folder';

export function chooseStore(kind: StoreKind | undefined, storeRoot: string): CertificateStore {
  const chosen = kind ?? (process.platform === 'win32' ? 'windows' : 'folder');
  return chosen === 'windows' ? new WindowsCertificateStore() : new FolderCertificateStore(storeRoot);
}
