export interface Topic {
  /** The logical name producers use, e.g. `data-ingestion-topic`. */
  name: string;
  arn: string;
}

/** The topics a client may publish to; a request names one by logical name or by full ARN. */
export class TopicAllowList {
  private readonly byKey = new Map<string, Topic>();
  readonly topics: readonly Topic[];

  constructor(topics: ReadonlyMap<string, string>) {
    this.topics = [...topics].map(([name, arn]) => ({ name, arn }));
    for (const topic of this.topics) {
      this.byKey.set(topic.name, topic);
      this.byKey.set(topic.arn, topic);
    }
  }

  resolve(nameOrArn: string): Topic | undefined {
    return this.byKey.get(nameOrArn);
  }

  /** Every name and ARN a request may give. */
  get names(): string[] {
    return [...this.byKey.keys()];
  }
}
