import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';
import { type ServiceEdge, type ServiceMap, type ServiceNode, serviceLayoutInput } from '../model/service-map';
import { engine, type Point } from './layout';

export interface PlacedService extends ServiceNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedServiceEdge extends ServiceEdge {
  points: Point[];
}

export interface ServiceLayout {
  nodes: PlacedService[];
  edges: PlacedServiceEdge[];
  width: number;
  height: number;
}

/**
 * Lays the service map out with elkjs's layered algorithm, left to right with spline edges, as
 * X-Ray's map reads (callers on the left): every position and every bend comes from elk.
 */
export const layoutServiceMap = async (
  map: ServiceMap,
  layouter: Pick<ELK, 'layout'> = engine(),
): Promise<ServiceLayout> => {
  const input = serviceLayoutInput(map);
  const root: ElkNode = {
    ...input,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'SPLINES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '30',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
  };
  const laid = await layouter.layout(root);
  const nodes = new Map(map.nodes.map((node) => [node.id, node]));
  const edges = new Map(map.edges.map((edge) => [edge.id, edge]));
  return {
    nodes: (laid.children ?? []).map((child) => ({
      ...nodes.get(child.id)!,
      x: child.x ?? 0,
      y: child.y ?? 0,
      width: child.width ?? 0,
      height: child.height ?? 0,
    })),
    edges: (laid.edges ?? []).map((laidEdge) => {
      const section = laidEdge.sections?.[0];
      return {
        ...edges.get(laidEdge.id)!,
        points: section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [],
      };
    }),
    width: laid.width ?? 0,
    height: laid.height ?? 0,
  };
};
