/** Avatar faces with exact attributes: what the data set draws, and face i as an SVG. */
export {
  FACE_ATTRIBUTES,
  FACE_LABEL_DEFINITIONS,
  faceLabelsOf,
  type FaceAttribute,
  type FaceLabels,
  type LabelDefinition,
} from './attributes';
export { FACE_RECIPE, FACES_VERSION, type UniformPart, type WeightedGroup } from './recipe';
export { chooseFace, UNIFORM_ORDER, type FaceChoice } from './choose';
export { avataaarsOptions, buildFace, type Face } from './avatar';
export { FACE_FACTORS, faceFactorClasses, faceFactorTable, type FaceFactor } from './factors';
