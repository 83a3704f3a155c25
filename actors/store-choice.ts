// Picks the certificate store: the Windows store on Windows, the folder store elsewhere,
// unless `--store windows|folder` forces one. Certificates whose location is an absolute
// folder path go to the Linux extension's layout in that folder, whichever store is chosen.
import { FolderCertificateStore } from '../adapters/folder-store/folder-store.ts';
import { LinuxFolderStore } from '../adapters/linux-folder-store/linux-folder-store.ts';
import { WindowsCertificateStore } from '../adapters/windows-store/windows-store.ts';
import type { CertificateStore } from '../adapters/store.ts';
import { RoutingStore } from './routing-store.ts';

export type StoreKind = 'windows' | 'folder';

export function chooseStore(kind: StoreKind | undefined, storeRoot: string): CertificateStore {
  const chosen = kind ?? (process.platform === 'win32' ? 'windows' : 'folder');
  const base = chosen === 'windows' ? new WindowsCertificateStore() : new FolderCertificateStore(storeRoot);
  return new RoutingStore(base, new LinuxFolderStore());
}
