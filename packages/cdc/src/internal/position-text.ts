import type { SourcePosition } from '../source-info.js';
import { formatPgLsn } from './pg-lsn.js';

/** A stable, human-readable text of a source position (`postgres lsn=0/2082E28`, `mysql mysql-bin.000003:154 row=0`, ...). */
export function formatSourcePosition(position: SourcePosition): string {
  switch (position.type) {
    case 'postgres':
      return `postgres lsn=${formatPgLsn(position.lsn)}`;
    case 'mysql':
      return `mysql ${position.file}:${position.position}${position.row === null ? '' : ` row=${position.row}`}${position.gtid === null ? '' : ` gtid=${position.gtid}`}`;
    case 'sqlserver':
      return `sqlserver change_lsn=${position.changeLsn ?? ''} commit_lsn=${position.commitLsn ?? ''} event_serial_no=${position.eventSerialNo ?? ''}`;
    case 'mongodb':
      return `mongodb rs=${position.replicaSet ?? ''} ord=${position.order ?? ''} token=${position.token ?? ''}`;
    case 'oracle':
      return `oracle scn=${position.scn ?? ''} commit_scn=${position.commitScn ?? ''}`;
    case 'ordinal':
      return `ordinal ${position.values.map(String).join('/')}`;
  }
}
