export { loadConfig as loadPublisherConfig, publisherEnv, type PublisherConfig } from './config';
export { createPublisherService, type PublisherService, type PublisherServiceDeps } from './publisher-service';
export { ERROR_CODES, type ErrorCode } from './http/error-catalogue';
export { openApiDocument } from './openapi/document';
export { renderOpenApiYaml, OPENAPI_FILE } from './openapi/render-openapi';
