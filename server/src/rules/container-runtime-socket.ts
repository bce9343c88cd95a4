import { hostPathChain, hostPathVolumes, runtimeSocketOf } from '../k8s/security.ts';
import { defineRule, owner } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'container-runtime-socket',
    title: 'Container runtime socket mounted',
    category: 'host',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      'The Docker, containerd or CRI-O socket controls every container on the node. A pod that can reach it can start a privileged container and own the node.',
    remediation: 'Remove the volume and its volumeMounts. Build images with a daemonless builder (BuildKit rootless, Kaniko) instead.',
    messages: {
      socket:
        'Volume "{{volume}}" mounts the container runtime socket (`{{path}}`): anything in the pod can start a privileged container on the node and take it over. Remove the volume and its mounts.',
      socketDir:
        'Volume "{{volume}}" mounts `{{path}}`, the node directory that holds the container runtime socket: anything in the pod can start a privileged container on the node and take it over. Remove the volume and its mounts.',
    },
  },
  check(ctx) {
    for (const vol of hostPathVolumes(ctx.resource)) {
      if (owner(ctx, hostPathChain(vol.path)) !== 'container-runtime-socket' || vol.path === undefined) continue;
      // A directory such as /var/run exposes the socket inside it; say so rather than call it the socket.
      const isSocket = /\.sock$/.test(runtimeSocketOf(vol.path) ?? '');
      ctx.report({
        at: vol.pathPair ?? vol.pair,
        part: 'value',
        messageId: isSocket ? 'socket' : 'socketDir',
        data: { volume: vol.name ?? '?', path: vol.path },
      });
    }
  },
});
