// Turns one container of a rendered pod template into `podman run` arguments, doing what the
// kubelet does with each field. A field it cannot honour is an error, never skipped, so a chart
// change cannot leave the image test running something other than what the cluster would run.

const SCHEDULING_ONLY = new Set([
  'affinity', 'nodeSelector', 'tolerations', 'topologySpreadConstraints', 'priorityClassName',
  'serviceAccountName', 'imagePullSecrets', 'restartPolicy',
]);
const CONTAINER_FIELDS = new Set([
  'name', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'env', 'envFrom', 'ports',
  'securityContext', 'resources', 'volumeMounts', 'startupProbe', 'livenessProbe', 'readinessProbe', 'lifecycle',
]);

/** Bytes of a Kubernetes quantity such as `512Mi`, `1G` or `64Mi`. */
export function quantityBytes(quantity) {
  const match = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  if (!match) throw new Error(`unsupported quantity ${quantity}`);
  const factor = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[match[2]] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

/** CPUs of a Kubernetes CPU quantity such as `250m` or `"1"`. */
export function quantityCpus(quantity) {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

function unsupported(what) {
  throw new Error(`the image test cannot honour ${what}; extend scripts/images/pod-to-podman.mjs`);
}

function lookup(store, kind, name, key, optional) {
  const value = store[name]?.[key];
  if (value === undefined && !optional) throw new Error(`${kind} ${name} has no key ${key}`);
  return value;
}

// $(VAR) references to earlier variables are expanded, $$ escapes, as the kubelet does.
function expand(value, env) {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name) => (all === '$$' ? '$' : (env[name] ?? all)));
}

function containerEnv(container, { configMaps, secrets, pod }) {
  const env = {};
  for (const source of container.envFrom ?? []) {
    const [kind, store, ref] = source.configMapRef
      ? ['ConfigMap', configMaps, source.configMapRef]
      : source.secretRef ? ['Secret', secrets, source.secretRef] : unsupported(`envFrom ${JSON.stringify(source)}`);
    const data = store[ref.name];
    if (!data && !ref.optional) throw new Error(`${kind} ${ref.name} (envFrom) does not exist`);
    for (const [key, value] of Object.entries(data ?? {})) env[(source.prefix ?? '') + key] = String(value);
  }
  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    let value;
    if (!from) value = expand(String(entry.value ?? ''), env);
    else if (from.secretKeyRef) value = lookup(secrets, 'Secret', from.secretKeyRef.name, from.secretKeyRef.key, from.secretKeyRef.optional);
    else if (from.configMapKeyRef) value = lookup(configMaps, 'ConfigMap', from.configMapKeyRef.name, from.configMapKeyRef.key, from.configMapKeyRef.optional);
    else if (from.fieldRef?.fieldPath === 'metadata.name') value = pod.name;
    else if (from.fieldRef?.fieldPath === 'metadata.namespace') value = pod.namespace;
    else unsupported(`env ${entry.name} valueFrom ${JSON.stringify(from)}`);
    if (value !== undefined) env[entry.name] = String(value);
  }
  return env;
}

function securityArgs(podContext = {}, containerContext = {}, imageUser) {
  const context = { ...podContext, ...containerContext };
  const args = [];
  for (const key of Object.keys(containerContext)) {
    if (!['runAsNonRoot', 'runAsUser', 'runAsGroup', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'privileged', 'capabilities', 'seccompProfile'].includes(key)) {
      unsupported(`securityContext.${key}`);
    }
  }
  if (context.privileged) unsupported('a privileged container');
  const uid = context.runAsUser ?? imageUser.split(':')[0];
  if (context.runAsNonRoot) {
    // The kubelet's rule: without runAsUser the image's user must be numeric and not 0.
    if (!/^[0-9]+$/.test(String(uid)) || Number(uid) === 0) throw new Error(`runAsNonRoot, but the user would be "${uid}"`);
  }
  const gid = context.runAsGroup ?? imageUser.split(':')[1];
  args.push('--user', gid === undefined ? String(uid) : `${uid}:${gid}`);
  for (const group of [podContext.fsGroup, ...(podContext.supplementalGroups ?? [])]) {
    if (group !== undefined) args.push('--group-add', String(group));
  }
  // Kubernetes gives a read-only root filesystem no writable scratch space of its own.
  if (context.readOnlyRootFilesystem) args.push('--read-only', '--read-only-tmpfs=false');
  if (context.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  for (const cap of context.capabilities?.drop ?? []) args.push('--cap-drop', cap);
  for (const cap of context.capabilities?.add ?? []) args.push('--cap-add', cap);
  const seccomp = context.seccompProfile?.type;
  if (seccomp === 'Unconfined') args.push('--security-opt', 'seccomp=unconfined');
  else if (seccomp && seccomp !== 'RuntimeDefault') unsupported(`seccompProfile ${seccomp}`);
  return args;
}

function resourceArgs(resources = {}) {
  const args = [];
  const { limits = {}, requests = {} } = resources;
  if (limits.memory) {
    const bytes = quantityBytes(limits.memory);
    // No swap, as on a kubelet node.
    args.push('--memory', `${bytes}b`, '--memory-swap', `${bytes}b`);
  }
  if (limits.cpu) args.push('--cpus', String(quantityCpus(limits.cpu)));
  // The kubelet's mapping of a CPU request to cgroup shares.
  if (requests.cpu) args.push('--cpu-shares', String(Math.max(2, Math.round(quantityCpus(requests.cpu) * 1024))));
  return args;
}

function volumeArgs(container, volumes = [], { configMaps, secrets, writeFiles }) {
  const args = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name) ?? unsupported(`volumeMount ${mount.name} without a volume`);
    if (mount.subPath) unsupported(`volumeMount ${mount.name} subPath`);
    if (volume.emptyDir) {
      if (mount.readOnly) unsupported(`read-only emptyDir ${mount.name}`);
      const size = volume.emptyDir.sizeLimit ? `,size=${quantityBytes(volume.emptyDir.sizeLimit)}` : '';
      args.push('--tmpfs', `${mount.mountPath}:rw,nosuid,nodev,mode=1777${size}`);
    } else if (volume.configMap || volume.secret) {
      const [kind, store, source] = volume.configMap ? ['ConfigMap', configMaps, volume.configMap] : ['Secret', secrets, volume.secret];
      const name = source.name ?? source.secretName;
      const data = store[name] ?? (source.optional ? {} : unsupported(`${kind} volume ${name}, which the test does not have`));
      const items = source.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      const dir = writeFiles(`${kind.toLowerCase()}-${name}`, Object.fromEntries(items.map((i) => [i.path, lookup(store, kind, name, i.key, false)])));
      args.push('--volume', `${dir}:${mount.mountPath}:ro`);
    } else {
      unsupported(`volume ${mount.name} of type ${Object.keys(volume).filter((k) => k !== 'name').join(',')}`);
    }
  }
  return args;
}

function probeOf(probe, ports) {
  if (!probe) return undefined;
  if (!probe.httpGet) unsupported(`a probe other than httpGet: ${JSON.stringify(probe)}`);
  const port = typeof probe.httpGet.port === 'number'
    ? probe.httpGet.port
    : ports.find((p) => p.name === probe.httpGet.port)?.containerPort ?? unsupported(`probe port ${probe.httpGet.port}`);
  if ((probe.httpGet.scheme ?? 'HTTP') !== 'HTTP') unsupported(`probe scheme ${probe.httpGet.scheme}`);
  return {
    path: probe.httpGet.path,
    containerPort: port,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

/**
 * `podman run` arguments for container `containerName` of the pod template `template`
 * (`spec.template` of a Deployment or Job): `args` for the container itself, `publishArgs` for its
 * ports on 127.0.0.1; plus what the runner needs besides: the probes, the grace period and the
 * preStop sleep.
 *
 * @param {object} o
 * @param {object} o.template         the rendered pod template
 * @param {string} o.containerName
 * @param {object} o.imageConfig      `podman image inspect` Config of the container's image
 * @param {Record<string, Record<string,string>>} o.configMaps  ConfigMaps by name (rendered ones included)
 * @param {Record<string, Record<string,string>>} o.secrets     Secrets by name (the test's stand-ins)
 * @param {{name: string, namespace: string}} o.pod
 * @param {Record<number, number>} o.hostPorts  containerPort -> 127.0.0.1 port
 * @param {(name: string, files: Record<string,string>) => string} o.writeFiles  makes a directory of files
 */
export function podmanRun({ template, containerName, imageConfig, configMaps, secrets, pod, hostPorts, writeFiles }) {
  const spec = template.spec;
  for (const key of Object.keys(spec)) {
    if (!SCHEDULING_ONLY.has(key) && !['containers', 'securityContext', 'volumes', 'terminationGracePeriodSeconds', 'automountServiceAccountToken'].includes(key)) {
      unsupported(`pod spec field ${key}`);
    }
  }
  if (spec.automountServiceAccountToken !== false) unsupported('a mounted ServiceAccount token');
  const container = spec.containers.find((c) => c.name === containerName) ?? unsupported(`no container ${containerName}`);
  for (const key of Object.keys(container)) if (!CONTAINER_FIELDS.has(key)) unsupported(`container field ${key}`);
  const preStop = container.lifecycle?.preStop;
  if (container.lifecycle && (Object.keys(container.lifecycle).some((k) => k !== 'preStop') || (preStop && !preStop.sleep))) {
    unsupported(`lifecycle ${JSON.stringify(container.lifecycle)}`);
  }

  const env = containerEnv(container, { configMaps, secrets, pod });
  const ports = container.ports ?? [];
  const args = [
    ...securityArgs(spec.securityContext, container.securityContext, imageConfig.User ?? ''),
    ...resourceArgs(container.resources),
    ...volumeArgs(container, spec.volumes, { configMaps, secrets, writeFiles }),
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    '--stop-timeout', String(spec.terminationGracePeriodSeconds ?? 30),
  ];
  const publishArgs = ports.flatMap((p) => {
    if (hostPorts[p.containerPort] === undefined) throw new Error(`no host port for container port ${p.containerPort}`);
    return ['--publish', `127.0.0.1:${hostPorts[p.containerPort]}:${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`];
  });
  if (container.workingDir) args.push('--workdir', container.workingDir);
  if (container.command) args.push('--entrypoint', JSON.stringify(container.command));
  return {
    args,
    publishArgs,
    image: container.image,
    // Kubernetes: `command` replaces the image's ENTRYPOINT and, without `args`, drops its CMD.
    commandArgs: container.args ?? [],
    env,
    probes: {
      startup: probeOf(container.startupProbe, ports),
      liveness: probeOf(container.livenessProbe, ports),
      readiness: probeOf(container.readinessProbe, ports),
    },
    graceSeconds: spec.terminationGracePeriodSeconds ?? 30,
    preStopSleepSeconds: preStop?.sleep?.seconds ?? 0,
    memoryLimitBytes: container.resources?.limits?.memory ? quantityBytes(container.resources.limits.memory) : undefined,
  };
}
