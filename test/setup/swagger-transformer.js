// Runs the @nestjs/swagger compiler plugin under ts-jest too, so that the OpenAPI document the
// tests read is the one `nest build` produces (DTO schemas come from the plugin).
const plugin = require('@nestjs/swagger/plugin');

module.exports = {
  name: 'nestjs-swagger-transformer',
  version: 1,
  factory: (compiler) => plugin.before({ introspectComments: true, classValidatorShim: true }, compiler.program),
};
