export interface Topic {
  /** The logical name producers use, e.g. `data-ingestion-topic`. */
  name: string;
  arn: string;
}

/** The topics a client may publish to; a request names one by logical name or by full ARN. */
export class TopicAllowList {
  private readonly byKey = new Map<string, Topic>();

  constructor(topics: ReadonlyMap<string, string>) {
    for (const [name, arn] of topics) {
      const topic = { name, arn };
      this.byKey.set(name, topic);
      this.byKey.set(arn, topic);
    }
  }

  resolve(nameOrArn: string): Topic | undefined {
    return this.byKey.get(nameOrArn);
  }

  get topics(): Topic[] {
    return [...new Set(this.byKey.values())];
  }
}
