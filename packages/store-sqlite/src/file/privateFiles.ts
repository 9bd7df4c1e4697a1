import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A ledger's files hold personal data (sealed, but with the keys that open it in the key file),
 * who read whose data (the access log), and projection states: readable by their owner only.
 * SQLite gives a database's -wal and -shm files the database file's own permissions.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Makes the folder (owner only, where this makes it; a folder that exists keeps its mode). */
export const makePrivateDir = (dir: string): void => {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
};

/**
 * Creates the file empty and readable by its owner only, with its folder, unless it exists (then
 * it keeps its mode). SQLite takes an empty file for an empty database, and node:sqlite's backup
 * writes into one, so either keeps these permissions rather than the process's umask's.
 */
export const createPrivateFile = (path: string): void => {
  makePrivateDir(dirname(path));
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
};

/**
 * The permission bits that let users other than the owner read the file or folder (0 when none,
 * when it does not exist, and on Windows, whose access lists these mode bits do not describe).
 */
export const readableByOthers = (path: string): number => {
  if (process.platform === 'win32') return 0;
  try {
    return statSync(path).mode & 0o044;
  } catch {
    return 0;
  }
};
